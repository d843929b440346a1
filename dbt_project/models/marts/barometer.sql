-- The barometer behind the panel's grille de positionnement: one row per cycle, EPCI of the run,
-- criterion and indicator. A criterion without an indicator is still listed, for the panel. The
-- département compared is the one holding most of the EPCI's population; targets and the panel's
-- grid are the plan's, so they appear for the plan's EPCI only.
--  * T: the latest EPCI value of the cycle's window, up to the year before the next cycle
--    (cycle 2024: 2024-2026), since the barometer of a cycle is read until the next one.
--  * T-1: the previous published cycle's value when one exists, else the previous data vintage.
--    INSEE's rule: census figures less than 5 years apart are not compared (RP2022 vs RP2018 is not).
--  * direction: better or worse given the indicator's polarity.
{% set cycle = var('cycle') | int %}
with cat as (select * from {{ ref('indicator_catalogue') }}),
crit as (select * from {{ ref('criteria') }}),
f as (select * from {{ ref('fct_indicator_value') }} where value is not null),
epci as (select * from f where territory_level = 'epci'),
epcis as (
    select e.epci_siren, e.departement_code, e.region_code
    from {{ ref('int_epcis') }} e
    where e.epci_siren in (select epci_siren from {{ ref('int_territory_communes') }})
),
t as (
    select e.epci_siren, e.indicator_id, e.year, e.value, e.source, e.quality_flag
    from epci e
    where e.year <= {{ cycle }} + 2
    qualify row_number() over (partition by e.epci_siren, e.indicator_id order by e.year desc) = 1
),
prev_data as (
    select e.epci_siren, e.indicator_id, e.year, e.value, e.quality_flag
    from epci e
    join t using (epci_siren, indicator_id)
    join cat on cat.indicator_id = e.indicator_id
    where e.year <= t.year - case when cat.vintage_rule = 'census' then 5 else 1 end
    -- the same source as T first (same definitions), then the most recent vintage
    qualify row_number() over (partition by e.epci_siren, e.indicator_id order by (e.source = t.source) desc, e.year desc) = 1
),
prev_pub as (
    select epci_siren, indicator_id, cycle as previous_cycle, year_t as year, value_t as value
    from {{ ref('stg_published__previous_barometer') }}
    where cycle < {{ cycle }} and value_t is not null
    qualify row_number() over (partition by epci_siren, indicator_id order by cycle desc) = 1
),
t1 as (
    select
        t.epci_siren,
        t.indicator_id,
        coalesce(p.year, d.year) as year,
        coalesce(p.value, d.value) as value,
        case when p.indicator_id is null then d.quality_flag end as quality_flag,
        case when p.indicator_id is not null then 'baromètre publié ' || p.previous_cycle
             when d.indicator_id is not null then 'millésime précédent' end as t1_source
    from t
    left join prev_pub p on p.epci_siren = t.epci_siren and p.indicator_id = t.indicator_id and p.year < t.year
    left join prev_data d on d.epci_siren = t.epci_siren and d.indicator_id = t.indicator_id
),
cmp as (
    select territory_level, territory_code, indicator_id, year, value, basis,
           row_number() over (partition by territory_level, territory_code, indicator_id, year
                              order by case basis when 'computed' then 0 else 1 end) as pick
    from f where territory_level in ('departement', 'region', 'france')
),
ind as (
    select
        cat.indicator_id, cat.label_fr, cat.unit, cast(cat.polarity as integer) as polarity, cat.vintage_rule,
        cat.kind, unnest(string_split(cat.criterion_id, ';')) as criterion_id
    from cat where cat.criterion_id is not null
),
rows as (
    select epcis.*, crit.criterion_id, crit.label_fr as criterion_label, crit.engagements, crit.volet, ind.*
    from epcis cross join crit left join ind using (criterion_id)
)
select
    {{ cycle }} as cycle,
    r.epci_siren,
    coalesce(nullif(split_part(r.engagements, ';', 1), ''), 'Transversal') as engagement,
    r.engagements,
    r.volet as section,
    r.criterion_id,
    r.criterion_label,
    r.indicator_id,
    r.label_fr as indicator_label,
    r.unit,
    r.polarity,
    t.year as year_t,
    t.value as value_t,
    t1.year as year_t1,
    t1.value as value_t1,
    t1.t1_source as source_t1,
    case when t1.year is null then null
         when r.vintage_rule = 'census' then t.year - t1.year >= 5
         else true end as comparable,
    case when t1.year is not null and (r.vintage_rule != 'census' or t.year - t1.year >= 5)
         then t.value - t1.value end as change,
    case
        when r.indicator_id is null then 'à renseigner par le panel'
        when t.value is null then 'non disponible'
        when t1.value is null then 'pas de millésime comparable'
        when t.quality_flag = 'partial' or t1.quality_flag = 'partial' then 'non comparable (couverture partielle)'
        when r.polarity = 0 then 'sans polarité'
        when t.value = t1.value then 'stable'
        when (t.value - t1.value) * r.polarity > 0 then 'amélioration'
        else 'dégradation'
    end as trend,
    d.value as value_departement,
    g.value as value_region,
    fr.value as value_france,
    fr.basis as basis_france,
    tg.label_fr as target,
    tg.target_value_absolute as target_value,
    tg.target_year,
    case when tg.target_unit = r.unit or tg.target_unit like '% par rapport à%' or tg.target_unit = '% de la consommation 2011-2020'
         then t.value - tg.target_value_absolute end as gap_to_target,
    {{ trajectory('tg.baseline_value', 'tg.baseline_year', 'tg.target_value_absolute', 'tg.target_year', 't.year') }} as trajectory_value,
    t.value - {{ trajectory('tg.baseline_value', 'tg.baseline_year', 'tg.target_value_absolute', 'tg.target_year', 't.year') }} as gap_to_trajectory,
    t.quality_flag as quality_t,
    case
        when r.indicator_id is null then 'à renseigner par le panel'
        when t.value is null then 'indicateur sans valeur à l''échelle de l''EPCI'
        else 'indicateur'
    end as coverage,
    case
        when r.indicator_id is null then 'Aucune source statistique dans l''instantané : ' || coalesce(gap.source_qui_servirait, 'appréciation du panel') || '.'
        when t.value is null and r.kind = 'median' then 'Médiane non agrégeable depuis les communes et non publiée pour l''EPCI dans l''instantané.'
        when t.value is null and r.kind = 'direct' then 'Taux publié sans effectifs : non agrégeable à l''EPCI ; voir les valeurs communales.'
        when t.value is null then 'Aucune valeur disponible pour l''EPCI.'
        when t1.year is not null and r.vintage_rule = 'census' and t.year - t1.year < 5
            then 'Recensements distants de moins de 5 ans : l''INSEE déconseille la comparaison.'
        when r.indicator_id = 'idh4' and t1.year is not null
            then 'Bornes fixes (RP2017, Filosofi 2019) ; T : éducation RP2023 et revenus 2021 ; T-1 : éducation RP2017 et revenus 2019 ; santé (décès 2016-2021) identique aux deux dates.'
        when t.quality_flag = 'small_numbers' then 'Petits effectifs : valeur fragile.'
        when t.quality_flag = 'minimum' then 'Valeur minimale : une partie des données est secrétisée par le producteur.'
        when t.quality_flag = 'partial' then 'Couverture communale partielle (secret ou données absentes pour certaines communes).'
    end as note,
    gap.mesure_manquante as missing_measure,
    gap.source_qui_servirait as candidate_source,
    p.impacts_imputables_pdt as panel_impacts,
    p.acquis_consolides as panel_achievements,
    p.difficultes_retards_echecs as panel_difficulties,
    p.objectifs_amelioration as panel_improvements
from rows r
left join t on t.epci_siren = r.epci_siren and t.indicator_id = r.indicator_id
left join t1 on t1.epci_siren = r.epci_siren and t1.indicator_id = r.indicator_id
left join cmp d on d.territory_level = 'departement' and d.territory_code = r.departement_code
    and d.indicator_id = r.indicator_id and d.year = t.year and d.pick = 1
left join cmp g on g.territory_level = 'region' and g.territory_code = r.region_code
    and g.indicator_id = r.indicator_id and g.year = t.year and g.pick = 1
left join cmp fr on fr.territory_level = 'france' and fr.indicator_id = r.indicator_id and fr.year = t.year and fr.pick = 1
left join {{ ref('int_targets_absolute') }} tg on tg.epci_siren = r.epci_siren and tg.indicator_id = r.indicator_id
left join {{ ref('panel_grid') }} p
    on r.epci_siren = '{{ var("plan_territory") }}' and p.cycle = {{ cycle }} and p.criterion_id = r.criterion_id
left join {{ ref('criteria_gaps') }} gap on gap.criterion_id = r.criterion_id
order by r.epci_siren, r.criterion_id, r.indicator_id

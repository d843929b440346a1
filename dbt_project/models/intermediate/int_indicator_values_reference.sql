-- Comparison values the snapshot cannot compute from its own commune rows:
--  * France (entière and métropolitaine) for RP2018, from the extractor's sums over every French
--    commune (PROVENANCE §9), flagged `computed` because they come from full commune coverage;
--  * values published by INSEE and others, flagged `published`, each with its URL.
with cat as (select * from {{ ref('indicator_catalogue') }}),
fr as (select * from {{ ref('stg_insee__aggregates_2018') }} where territory_level in ('france', 'france_metro')),
fr_inputs as (
    select territory_level, territory_code, n_communes, 'population' as indicator_id, 2018 as year, p18_pop as numerator, null::double as denominator, null::integer as period_years from fr
    union all select territory_level, territory_code, n_communes, 'population', 2013, p13_pop, null, null from fr
    union all select territory_level, territory_code, n_communes, 'population_evolution_annuelle', 2018, p18_pop, p13_pop, 5 from fr
    union all select territory_level, territory_code, n_communes, 'solde_naturel_annuel', 2018, (nais1318 - dece1318) / 5, (p13_pop + p18_pop) / 2, null from fr
    union all select territory_level, territory_code, n_communes, 'taux_chomage_15_64', 2018, p18_chom1564, p18_act1564, null from fr
    union all select territory_level, territory_code, n_communes, 'taux_activite_15_64', 2018, p18_act1564, p18_pop1564, null from fr
    union all select territory_level, territory_code, n_communes, 'concentration_emploi', 2018, p18_emplt, p18_act1564 - p18_chom1564, null from fr
    union all select territory_level, territory_code, n_communes, 'emplois_au_lieu_de_travail', 2018, p18_emplt, null, null from fr
    union all select territory_level, territory_code, n_communes, 'part_logements_vacants', 2018, p18_logvac, p18_log, null from fr
    union all select territory_level, territory_code, n_communes, 'part_proprietaires', 2018, p18_rp_prop, p18_rp, null from fr
    union all select territory_level, territory_code, n_communes, 'etablissements_actifs_1000_hab', 2018, ettot18, p18_pop, null from fr
)
select
    f.territory_level,
    f.territory_code,
    f.indicator_id,
    f.year,
    {{ indicator_value('cat.kind', 'f.numerator', 'f.denominator', 'null', 'f.period_years', 'cat.scale') }} as value,
    f.numerator,
    f.denominator,
    'computed' as basis,
    'ok' as quality_flag,
    f.n_communes as communes_covered,
    f.n_communes as communes_expected,
    'aggregates_comparateur_2021ed' as source,
    null::varchar as source_url,
    'Somme sur toutes les communes (arrondissements municipaux exclus), PROVENANCE §9' as note
from fr_inputs f
join cat using (indicator_id)

union all

select
    p.territory_level,
    p.territory_code,
    m.indicator_id,
    p.year,
    p.value,
    null as numerator,
    null as denominator,
    'published' as basis,
    'ok' as quality_flag,
    null as communes_covered,
    null as communes_expected,
    p.source_publisher as source,
    p.source_url,
    p.source_title as note
from {{ ref('stg_published__comparison_figures') }} p
join {{ ref('published_indicator_map') }} m
  on m.published_indicator = p.published_indicator and m.sex = p.sex
where p.year is not null and p.territory_level in ('departement', 'region', 'france', 'france_metro')

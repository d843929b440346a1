-- Comparison values of the theme files (PROVENANCE §23-§35) that the communes cannot give:
--  * France from the files' France rows, the region from the sum of its five départements' totals
--    (additive counts only: diplomas, activity and commuting, DPE labels), basis `computed` for the
--    region (full coverage of its départements) and `published` for France;
--  * rates published by the producer (APL and offences for the Nord and France, childcare coverage
--    for the EPCI, the Nord, the region and France), basis `published`;
--  * the life-expectancy gaps published for the territory (OR2S study), basis `published`.
-- Every published value links to the file it was read from (the re-publisher's JSON at its commit).
{% set repo = 'https://github.com/MayetSoft/rouages.fr/blob/' %}
with geo as (select distinct departement_code, region_code from {{ ref('stg_geo__communes_2022') }}),
region_deps as (select departement_code from geo where region_code = '32'),
diplomas as (select * from {{ ref('int_diploma_counts') }} where territory_level = 'france'),
activity as (select * from {{ ref('int_activity_commuting') }} where geo_level in ('DEP', 'FRANCE')),
dpe as (
    select geo_level, geo_code, year,
           sum(value) filter (where variable in ('dpe_nb_diagnostics_etiquette_f', 'dpe_nb_diagnostics_etiquette_g')) as f_or_g,
           sum(value) as all_labels
    from {{ ref('stg_ademe__dpe_labels') }} where geo_level in ('DEP', 'FRANCE') group by all
),
-- additive totals: numerator and denominator per France row or département row
totals as (
    select 'france' as territory_level, 'FR' as territory_code, 'part_diplome_superieur_cep' as indicator_id, year,
           total - no_diploma_or_cep as numerator, total as denominator, 'insee_diplomas_totals' as source,
           '{{ repo }}372f7636f4f2cc2aa91265dea40effc815e958b2/public/territoires/dep/59-diplomes.json' as source_url
    from diplomas
    {% for ind, num, den in [('taux_chomage_15_64', 'unemployed', 'employed + unemployed'), ('taux_activite_15_64', 'employed + unemployed', 'pop_15_64'),
                             ('taux_emploi_15_64', 'employed', 'pop_15_64'), ('part_actifs_voiture', 'by_car', 'workers'),
                             ('part_actifs_transports_commun', 'by_public_transport', 'workers'), ('part_actifs_velo_marche', 'by_bike_or_foot', 'workers'),
                             ('part_actifs_travaillant_commune_residence', 'in_own_commune', 'workers')] %}
    union all
    select case geo_level when 'FRANCE' then 'france' else 'departement' end, geo_code, '{{ ind }}', year, {{ num }}, {{ den }},
           'insee_activity_commuting_rp2023', '{{ repo }}581d9e887042c29322f91e9707d463ca74e3d102/public/territoires/dep/59-emploi.json'
    from activity where {{ num }} is not null
    {% endfor %}
    union all
    select case geo_level when 'FRANCE' then 'france' else 'departement' end, geo_code, 'part_dpe_f_g', year, f_or_g, all_labels,
           'ademe_dpe_labels', '{{ repo }}04b38ba33b9185ee4046d4eef6b599a3d17703fd/public/territoires/dep/59-dpe.json'
    from dpe
),
additive as (
    -- France as published
    select territory_level, territory_code, indicator_id, year, numerator, denominator, 'published' as basis, source, source_url,
           'Total France publié par l''INSEE ou le producteur (fichier du re-publieur)' as note
    from totals where territory_level = 'france'
    union all
    -- the region: sum of its five départements, only when all five are there
    select 'region', '32', t.indicator_id, t.year, sum(t.numerator), sum(t.denominator), 'computed', any_value(t.source), null,
           'Somme des totaux des 5 départements des Hauts-de-France'
    from totals t join region_deps d on d.departement_code = t.territory_code
    where t.territory_level = 'departement'
    group by t.indicator_id, t.year
    having count(*) = (select count(*) from region_deps)
),
rates as (
    -- APL: Nord and France averages as published by DREES
    select case geo_level when 'FRANCE' then 'france' else 'departement' end as territory_level, geo_code as territory_code,
           'apl_medecins_generalistes' as indicator_id, year, value, 'drees_apl' as source,
           '{{ repo }}11c464aa855729a41387a33e51c407ae5c832133/public/territoires/dep/59-sante.json' as source_url,
           'Moyenne publiée par la DREES' as note
    from {{ ref('stg_drees__apl') }} where geo_level in ('DEP', 'FRANCE') and variable = 'apl_medecins_generalistes'
    union all
    -- recorded intra-family violence, rate of the latest year as published for the département
    select 'departement', geo_code, 'violences_intrafamiliales_1000_hab', (select max(year) from {{ ref('stg_ssmsi__offences') }} where variable like '%_nombre'),
           value, 'ssmsi_offences', '{{ repo }}581d9e887042c29322f91e9707d463ca74e3d102/public/territoires/dep/59-delinquance.json',
           'Taux publié par le SSMSI pour le département'
    from {{ ref('stg_ssmsi__offences') }} where geo_level = 'DEP' and variable = 'violences_physiques_intrafamiliales_taux_pour_mille'
    union all
    -- childcare coverage: EPCI, département, region and France as published by the CNAF
    select case geo_level when 'EPCI' then 'epci' when 'DEP' then 'departement' when 'REG' then 'region' else 'france' end,
           geo_code, 'taux_couverture_accueil_jeunes_enfants', year, value, 'cnaf_childcare_coverage',
           '{{ repo }}372f7636f4f2cc2aa91265dea40effc815e958b2/public/territoires/petite-enfance.json',
           'Taux publié par la CNAF (places théoriques pour 100 enfants de moins de 3 ans)'
    from {{ ref('stg_cnaf__childcare_coverage') }}
    where geo_level in ('EPCI', 'DEP', 'REG', 'FRANCE') and variable = 'taux_couverture_global'
      and (geo_level != 'EPCI' or {{ in_territories('geo_code') }})
    union all
    -- life-expectancy gaps to France published for the territory of the OR2S study (2010-2016)
    select 'epci', '{{ var("plan_territory") }}', 'ecart_esperance_vie_' || p.sex || '_france', 2016, p.value,
           p.source_publisher, p.source_url,
           'Valeur publiée pour 2010-2016 sur le territoire de l''étude OR2S (« Denaisis » dans l''article) : ' || p.source_title
    from {{ ref('stg_published__comparison_figures') }} p
    where p.published_indicator = 'ecart_esperance_vie_vs_France' and p.sex in ('hommes', 'femmes')
      and {{ in_territories("'" ~ var('plan_territory') ~ "'") }}
)
select a.territory_level, a.territory_code, a.indicator_id, a.year,
       {{ indicator_value('cat.kind', 'a.numerator', 'a.denominator', 'null', 'null', 'cat.scale') }} as value,
       a.numerator, a.denominator, a.basis, 'ok' as quality_flag,
       null::bigint as communes_covered, null::bigint as communes_expected, a.source, a.source_url, a.note
from additive a join {{ ref('indicator_catalogue') }} cat using (indicator_id)
-- a département computed from its communes already exists for the Nord: keep the file's other départements out
where a.territory_level != 'departement'
union all
select territory_level, territory_code, indicator_id, year, value, null, null, 'published', 'ok', null, null, source, source_url, note
from rates

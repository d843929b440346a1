-- Commune inputs from the long-format theme files (PROVENANCE §22-§35), in the layout of
-- int_indicator_inputs: one row per commune, indicator and year, with numerator and denominator
-- so that every aggregate is recomputed from sums. `scope` says which communes the source covers
-- (the region, or the Nord only): aggregates are never computed beyond it.
-- An absent commune means what its source says: no installation, no charging point or no gas
-- network = 0; secret (offences, farmland) = NULL, never 0.
{% set renewables = ['solaire_pv', 'eolien', 'hydraulique', 'bioenergies', 'geothermie', 'energies_marines'] %}
with geo as (select commune_code, departement_code from {{ ref('stg_geo__communes_2022') }}),
nord as (select commune_code from geo where departement_code = '59'),
c25 as (select * from {{ ref('stg_insee__comparateur_2025') }} where not is_merged_row),
c21 as (select * from {{ ref('stg_insee__comparateur_2021') }} where not is_merged_row),
pop as (
    select c25.commune_code, c25.p22_pop, c25.p16_pop, c25.p22_rp, c21.p13_pop, c21.p18_pop, c21.p18_rp
    from c25 left join c21 using (commune_code)
),
diplomas as (
    select territory_code as commune_code, year, total, no_diploma_or_cep
    from {{ ref('int_diploma_counts') }} where territory_level = 'commune'
),
activity as (
    select geo_code as commune_code, * exclude (geo_level, geo_code)
    from {{ ref('int_activity_commuting') }} where geo_level = 'COM'
),
ore as (
    select geo_code as commune_code, year,
           max(value) filter (where variable = 'conso_elec_tous_secteurs_mwh')
             + coalesce(max(value) filter (where variable = 'conso_gaz_tous_secteurs_mwh'), 0) as all_sectors,
           max(value) filter (where variable = 'conso_elec_residentiel_mwh')
             + coalesce(max(value) filter (where variable = 'conso_gaz_residentiel_mwh'), 0) as residential,
           coalesce(sum(value) filter (where variable like 'nb_mailles_secretisees_%'), 0) > 0 as is_minimum
    from {{ ref('stg_ore__energy_consumption') }} where geo_level = 'COM' group by all
),
odre_long as (
    select geo_code as commune_code, year, regexp_extract(variable, '^prod_(.+)_(energie_injectee_mwh|energie_statut|puissance_kw|nb_installations)$', 1) as filiere,
           regexp_extract(variable, '^prod_(.+)_(energie_injectee_mwh|energie_statut|puissance_kw|nb_installations)$', 2) as measure, value
    from {{ ref('stg_odre__electricity_production') }} where geo_level = 'COM'
),
odre as (
    select commune_code, year,
           -- a status 2 energy is unknown (its 0 is not a measurement): the total is then unknown too
           case when count(*) filter (where measure = 'energie_statut' and value = 2 and filiere in ('{{ renewables | join("', '") }}')) = 0
                then coalesce(sum(value) filter (where measure = 'energie_injectee_mwh' and filiere in ('{{ renewables | join("', '") }}')), 0) end as renewable_mwh,
           coalesce(sum(value) filter (where measure = 'puissance_kw' and filiere in ('{{ renewables | join("', '") }}')), 0) / 1000 as renewable_mw,
           {% for f in ['solaire_pv', 'eolien', 'bioenergies', 'hydraulique'] %}
           coalesce(sum(value) filter (where measure = 'puissance_kw' and filiere = '{{ f }}'), 0) / 1000 as {{ f }}_mw,
           {% endfor %}
           count(*) filter (where measure = 'energie_statut' and value = 1 and filiere in ('{{ renewables | join("', '") }}')) > 0 as is_minimum
    from odre_long group by all
),
odre_year as (select max(year) as year from odre),
ore_year as (select max(year) as year from ore),
land as (
    select geo_code as commune_code,
           max(value) filter (where variable = 'conso_enaf_2011_2020_ha') as ref_2011_2020,
           max(value) filter (where variable = 'conso_enaf_2021_2024_ha') as total_2021_2024,
           max(value) filter (where variable = 'surface_commune_ha') as area_ha
    from {{ ref('stg_cerema__land_take') }} where geo_level = 'COM' group by all
),
land_yearly as (
    select geo_code as commune_code, year, value as ha,
           sum(value) filter (where year >= 2021) over (partition by geo_code order by year) as cumul_since_2021
    from {{ ref('stg_cerema__land_take') }} where geo_level = 'COM' and variable = 'conso_enaf_annuelle_ha'
),
farmland as (
    select geo_code as commune_code, year, value as sau_ha
    from {{ ref('stg_agreste__farmland') }} where geo_level = 'COM' and variable = 'sau_ha'
),
mobility_points as (
    select geo_code as commune_code,
           max(value) filter (where variable = 'irve_nb_points_charge') as charging_points,
           max(value) filter (where variable = 'covoiturage_nb_places_declarees') as carpool_places,
           max(year) as year
    from {{ ref('stg_transport__irve_carpool') }} where geo_level = 'COM' group by all
),
mobility_year as (select max(year) as year from mobility_points),
dpe as (
    select geo_code as commune_code, year,
           sum(value) filter (where variable in ('dpe_nb_diagnostics_etiquette_f', 'dpe_nb_diagnostics_etiquette_g')) as f_or_g,
           sum(value) as all_labels
    from {{ ref('stg_ademe__dpe_labels') }} where geo_level = 'COM' group by all
),
dpe_year as (select max(year) as year from dpe),
caf as (
    select geo_code as commune_code, year,
           max(value) filter (where variable = 'foyers_rsa') as rsa,
           max(value) filter (where variable = 'foyers_prime_activite') as prime_activite
    from {{ ref('stg_caf__beneficiaries') }} where geo_level = 'COM' and year in (2020, 2024) group by all
),
violence as (
    select geo_code as commune_code, year, value as victims
    from {{ ref('stg_ssmsi__offences') }}
    where geo_level = 'COM' and variable = 'violences_physiques_intrafamiliales_nombre'
),
-- denominators: the census population nearest to year N that the snapshot holds for every commune
violence_years as (select * from (values (2016, 'p13_pop'), (2019, 'p16_pop'), (2021, 'p18_pop'), (2025, 'p22_pop')) as v (year, population_column)),  -- noqa: AL05
apl as (
    select geo_code as commune_code, year, value as apl
    from {{ ref('stg_drees__apl') }} where geo_level = 'COM' and variable = 'apl_medecins_generalistes'
),
elections as (
    select geo_code as commune_code, year,
           max(value) filter (where variable = 'votants_t1') as voters,
           max(value) filter (where variable = 'inscrits_t1') as registered
    from {{ ref('stg_interieur__municipal_elections') }} where geo_level = 'COM' group by all
),
childcare as (
    select geo_code as commune_code, year, value
    from {{ ref('stg_cnaf__childcare_coverage') }} where geo_level = 'COM' and variable = 'taux_couverture_global'
),
inputs as (
    -- GOV3: diplomas, every commune of the region
    select commune_code, 'part_diplome_superieur_cep' as indicator_id, year, total - no_diploma_or_cep as numerator, total as denominator,
           null::double as direct_value, null::integer as period_years, 'insee_diplomas_melodi' as source_dataset, 'region' as scope, false as is_minimum
    from diplomas
    -- CDV7 / ENV5: activity and commuting (Nord)
    union all select commune_code, 'taux_chomage_15_64', year, unemployed, employed + unemployed, null, null, 'insee_activity_commuting_rp2023', '59', false from activity
    union all select commune_code, 'taux_activite_15_64', year, employed + unemployed, pop_15_64, null, null, 'insee_activity_commuting_rp2023', '59', false from activity
    union all select commune_code, 'taux_emploi_15_64', year, employed, pop_15_64, null, null, 'insee_activity_commuting_rp2023', '59', false from activity
    union all select commune_code, 'part_actifs_voiture', year, by_car, workers, null, null, 'insee_activity_commuting_rp2023', '59', false from activity where year = 2023
    union all select commune_code, 'part_actifs_transports_commun', year, by_public_transport, workers, null, null, 'insee_activity_commuting_rp2023', '59', false from activity where year = 2023
    union all select commune_code, 'part_actifs_velo_marche', year, by_bike_or_foot, workers, null, null, 'insee_activity_commuting_rp2023', '59', false from activity where year = 2023
    union all select commune_code, 'part_actifs_travaillant_commune_residence', year, in_own_commune, workers, null, null, 'insee_activity_commuting_rp2023', '59', false from activity where year = 2023
    -- ENV3: energy (Nord)
    union all select n.commune_code, 'consommation_elec_gaz_tous_secteurs', y.year, o.all_sectors, null, null, null, 'ore_energy_consumption', '59', coalesce(o.is_minimum, false)
        from nord n cross join ore_year y left join ore o using (commune_code)
    -- secret meshes hide a business alone in its sector: they make "all sectors" a minimum, not the residential figure
    union all select n.commune_code, 'consommation_elec_gaz_residentiel', y.year, o.residential, null, null, null, 'ore_energy_consumption', '59', false
        from nord n cross join ore_year y left join ore o using (commune_code)
    union all select o.commune_code, 'consommation_elec_gaz_residentiel_par_habitant', o.year, o.residential, p.p22_pop, null, null, 'ore_energy_consumption', '59', false
        from ore o join pop p using (commune_code)
    union all select o.commune_code, 'consommation_elec_gaz_par_habitant', o.year, o.all_sectors, p.p22_pop, null, null, 'ore_energy_consumption', '59', o.is_minimum
        from ore o join pop p using (commune_code)
    -- a commune absent from the register has no installation: 0, not unknown
    union all select n.commune_code, 'production_electricite_renouvelable', y.year, coalesce(o.renewable_mwh, case when o.commune_code is null then 0 end), null, null, null, 'odre_electricity_production', '59', coalesce(o.is_minimum, false)
        from nord n cross join odre_year y left join odre o using (commune_code)
    union all select n.commune_code, 'puissance_renouvelable_installee', y.year, coalesce(o.renewable_mw, 0), null, null, null, 'odre_electricity_production', '59', false
        from nord n cross join odre_year y left join odre o using (commune_code)
    {% for f in ['solaire_pv', 'eolien', 'bioenergies', 'hydraulique'] %}
    union all select n.commune_code, 'puissance_{{ f }}_installee', y.year, coalesce(o.{{ f }}_mw, 0), null, null, null, 'odre_electricity_production', '59', false
        from nord n cross join odre_year y left join odre o using (commune_code)
    {% endfor %}
    union all select n.commune_code, 'autonomie_energetique', y.year, coalesce(o.renewable_mwh, case when o.commune_code is null then 0 end), e.all_sectors, null, null, 'odre_electricity_production', '59', coalesce(o.is_minimum, false) or coalesce(e.is_minimum, false)
        from nord n cross join odre_year y left join odre o using (commune_code) left join ore e on e.commune_code = n.commune_code
    -- ENV4: farmland of the farms seated in the commune, over its area (secret: NULL)
    union all select l.commune_code, 'part_sau_superficie', 2020, f.sau_ha, l.area_ha, null, null, 'agreste_farmland', '59', false
        from land l left join farmland f using (commune_code)
    -- ENV5: charging points and car-pool places (absent commune: none)
    union all select n.commune_code, 'points_recharge_10000_hab', y.year, coalesce(m.charging_points, 0), p.p22_pop, null, null, 'irve_carpool', '59', false
        from nord n cross join mobility_year y join pop p using (commune_code) left join mobility_points m on m.commune_code = n.commune_code
    union all select n.commune_code, 'places_covoiturage_10000_hab', y.year, coalesce(m.carpool_places, 0), p.p22_pop, null, null, 'irve_carpool', '59', false
        from nord n cross join mobility_year y join pop p using (commune_code) left join mobility_points m on m.commune_code = n.commune_code
    -- ENV6: land take
    union all select commune_code, 'conso_espaces_naf_annuelle', year, ha, null, null, null, 'cerema_land_take', '59', false from land_yearly
    union all select commune_code, 'conso_espaces_naf_cumul_2021', year, cumul_since_2021, null, null, null, 'cerema_land_take', '59', false from land_yearly where year >= 2021
    union all select commune_code, 'conso_espaces_naf_moyenne_periode', 2020, ref_2011_2020 / 10, null, null, null, 'cerema_land_take', '59', false from land
    union all select commune_code, 'conso_espaces_naf_moyenne_periode', 2024, total_2021_2024 / 4, null, null, null, 'cerema_land_take', '59', false from land
    -- CDV1: energy labels of the diagnostics since July 2021
    union all select n.commune_code, 'part_dpe_f_g', y.year, d.f_or_g, d.all_labels, null, null, 'ademe_dpe_labels', '59', false
        from nord n cross join dpe_year y left join dpe d using (commune_code)
    -- CDV7: CAF households per 1,000 households of the census of N-2
    union all select c.commune_code, 'foyers_rsa_1000_menages', c.year, c.rsa, case c.year when 2024 then p.p22_rp else p.p18_rp end, null, null, 'caf_beneficiaries', '59', false
        from caf c join pop p using (commune_code)
    union all select c.commune_code, 'foyers_prime_activite_1000_menages', c.year, c.prime_activite, case c.year when 2024 then p.p22_rp else p.p18_rp end, null, null, 'caf_beneficiaries', '59', false
        from caf c join pop p using (commune_code)
    -- CDV5: intra-family physical violence per 1,000 inhabitants (not diffused: NULL)
    union all select n.commune_code, 'violences_intrafamiliales_1000_hab', y.year, v.victims,
           case y.population_column when 'p13_pop' then p.p13_pop when 'p16_pop' then p.p16_pop when 'p18_pop' then p.p18_pop else p.p22_pop end,
           null, null, 'ssmsi_offences', '59', false
        from nord n cross join violence_years y join pop p using (commune_code)
        left join violence v on v.commune_code = n.commune_code and v.year = y.year
    union all select c.commune_code, 'taux_couverture_accueil_jeunes_enfants', c.year, null, null, c.value, null, 'cnaf_childcare_coverage', '59', false from childcare c
    -- CDV3: access to GPs, population-weighted so that aggregates are weighted means
    union all select a.commune_code, 'apl_medecins_generalistes', a.year, a.apl * p.p22_pop, p.p22_pop, null, null, 'drees_apl', '59', false
        from apl a join pop p using (commune_code)
    -- GOV2: turnout
    union all select commune_code, 'taux_participation_municipales', year, voters, registered, null, null, 'municipal_elections_2026', '59', false from elections
)
select inputs.*, left(inputs.commune_code, 2) as departement_code
from inputs
where inputs.year is not null

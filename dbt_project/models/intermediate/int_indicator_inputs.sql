-- Long format inputs for every commune of the snapshot (all Hauts-de-France, or the Nord for the
-- theme files of int_indicator_inputs_themes: see `scope`), one row per
-- commune, indicator and year. Ratios carry numerator and denominator so that any aggregate is
-- recomputed from sums; medians and published rates carry a direct value that is never averaged.
-- Merged communes (rows with every census cell empty) are left out: their population is counted
-- in the absorbing commune (PROVENANCE §15).
with c25 as (select * from {{ ref('stg_insee__comparateur_2025') }} where not is_merged_row),
c21 as (select * from {{ ref('stg_insee__comparateur_2021') }} where not is_merged_row),
dc as (select * from {{ ref('stg_insee__dossier_complet_2025') }}),
fi as (select * from {{ ref('stg_insee__filosofi_2021') }}),
icm as (select * from {{ ref('int_icm_commune') }}),
inputs as (
    -- population (counts)
    select commune_code, 'population' as indicator_id, 2022 as year, p22_pop as numerator, null::double as denominator, null::double as direct_value, null::integer as period_years, 'comparateur_2025' as source_dataset from c25
    union all select commune_code, 'population', 2016, p16_pop, null, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'population', 2018, p18_pop, null, null, null, 'comparateur_2021' from c21
    union all select commune_code, 'population', 2013, p13_pop, null, null, null, 'comparateur_2021' from c21
    -- growth between censuses at least 5 years apart
    union all select commune_code, 'population_evolution_annuelle', 2022, p22_pop, p16_pop, null, 6, 'comparateur_2025' from c25
    union all select commune_code, 'population_evolution_annuelle', 2018, p18_pop, p13_pop, null, 5, 'comparateur_2021' from c21
    union all select commune_code, 'solde_naturel_annuel', 2022, (nais1621 - dece1621) / 6, (p16_pop + p22_pop) / 2, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'solde_naturel_annuel', 2018, (nais1318 - dece1318) / 5, (p13_pop + p18_pop) / 2, null, null, 'comparateur_2021' from c21
    -- age
    union all select commune_code, 'part_60_ans_plus', 2022, p22_pop6074 + p22_pop7589 + p22_pop90p,
        p22_pop0014 + p22_pop1529 + p22_pop3044 + p22_pop4559 + p22_pop6074 + p22_pop7589 + p22_pop90p, null, null, 'dossier_complet_2025' from dc
    union all select commune_code, 'part_75_ans_plus', 2022, p22_pop7589 + p22_pop90p,
        p22_pop0014 + p22_pop1529 + p22_pop3044 + p22_pop4559 + p22_pop6074 + p22_pop7589 + p22_pop90p, null, null, 'dossier_complet_2025' from dc
    -- income (Filosofi): direct values only
    union all select commune_code, 'niveau_vie_median', 2021, null, null, med21, null, 'filosofi_2021' from fi
    union all select commune_code, 'niveau_vie_median', 2019, null, null, med19, null, 'comparateur_2021' from c21
    union all select commune_code, 'taux_pauvrete', 2021, null, null, tp6021, null, 'filosofi_2021' from fi
    union all select commune_code, 'taux_pauvrete', 2019, null, null, tp6019, null, 'comparateur_2021' from c21
    union all select commune_code, 'rapport_interdecile_d9_d1', 2021, null, null, rd21, null, 'filosofi_2021' from fi
    -- employment
    union all select commune_code, 'taux_chomage_15_64', 2022, p22_chom1564, p22_act1564, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'taux_chomage_15_64', 2018, p18_chom1564, p18_act1564, null, null, 'comparateur_2021' from c21
    union all select commune_code, 'taux_chomage_15_24', 2022, p22_chom1524, p22_act1524, null, null, 'dossier_complet_2025' from dc
    union all select commune_code, 'taux_activite_15_64', 2022, p22_act1564, p22_pop1564, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'taux_activite_15_64', 2018, p18_act1564, p18_pop1564, null, null, 'comparateur_2021' from c21
    union all select commune_code, 'taux_emploi_15_64', 2022, p22_act1564 - p22_chom1564, p22_pop1564, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'taux_emploi_15_64', 2018, p18_act1564 - p18_chom1564, p18_pop1564, null, null, 'comparateur_2021' from c21
    union all select commune_code, 'concentration_emploi', 2022, p22_emplt, p22_act1564 - p22_chom1564, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'concentration_emploi', 2018, p18_emplt, p18_act1564 - p18_chom1564, null, null, 'comparateur_2021' from c21
    union all select commune_code, 'emplois_au_lieu_de_travail', 2022, p22_emplt, null, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'emplois_au_lieu_de_travail', 2016, p16_emplt, null, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'emplois_au_lieu_de_travail', 2018, p18_emplt, null, null, null, 'comparateur_2021' from c21
    -- housing
    union all select commune_code, 'part_logements_vacants', 2022, p22_logvac, p22_log, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'part_logements_vacants', 2018, p18_logvac, p18_log, null, null, 'comparateur_2021' from c21
    union all select commune_code, 'part_proprietaires', 2022, p22_rp_prop, p22_rp, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'part_proprietaires', 2018, p18_rp_prop, p18_rp, null, null, 'comparateur_2021' from c21
    -- families
    union all select commune_code, 'part_familles_monoparentales', 2022, c22_fammono, c22_coupaenf + c22_fammono + c22_coupsenf, null, null, 'dossier_complet_2025' from dc
    -- enterprises and establishments (per 1,000 inhabitants of RP2022)
    union all select dc.commune_code, 'creations_entreprises_1000_hab', 2022, dc.enctot22, c25.p22_pop, null, null, 'dossier_complet_2025' from dc join c25 using (commune_code)
    union all select dc.commune_code, 'creations_entreprises_1000_hab', 2023, dc.enctot23, c25.p22_pop, null, null, 'dossier_complet_2025' from dc join c25 using (commune_code)
    union all select dc.commune_code, 'creations_entreprises_1000_hab', 2024, dc.enctot24, c25.p22_pop, null, null, 'dossier_complet_2025' from dc join c25 using (commune_code)
    union all select dc.commune_code, 'creations_entreprises_1000_hab', 2025, dc.enctot25, c25.p22_pop, null, null, 'dossier_complet_2025' from dc join c25 using (commune_code)
    union all select commune_code, 'etablissements_actifs_1000_hab', 2024, ettot24, p22_pop, null, null, 'comparateur_2025' from c25
    union all select commune_code, 'etablissements_actifs_1000_hab', 2018, ettot18, p18_pop, null, null, 'comparateur_2021' from c21
    union all select dc.commune_code, 'equipements_proximite_10000_hab', 2024,
        dc.bpe_2024_b105 + dc.bpe_2024_b201 + dc.bpe_2024_c201 + dc.bpe_2024_c301 + dc.bpe_2024_d307, c25.p22_pop, null, null, 'dossier_complet_2025'
        from dc join c25 using (commune_code)
    -- health: deaths 2016-2021 over the deaths expected at French rates (pooled by summing both)
    union all select commune_code, 'icm_toutes_causes', 2021, observed_deaths, expected_deaths, null, null, 'comparateur_2025' from icm
)
select inputs.*, 'region' as scope, false as is_minimum, left(inputs.commune_code, 2) as departement_code
from inputs
union all by name
select * from {{ ref('int_indicator_inputs_themes') }}

-- RP2023 activity of the 15-64 (and RP2012) and commuting of employed residents, one row per
-- territory (Nord communes, département totals, France) and year (PROVENANCE §24).
select
    geo_level,
    geo_code,
    year,
    max(value) filter (where variable = 'pop_15_64') as pop_15_64,
    max(value) filter (where variable = 'pop_15_64_en_emploi') as employed,
    max(value) filter (where variable = 'pop_15_64_chomeurs') as unemployed,
    max(value) filter (where variable = 'actifs_occupes_15p') as workers,
    max(value) filter (where variable = 'actifs_occupes_voiture_camion_fourgonnette') as by_car,
    max(value) filter (where variable = 'actifs_occupes_transports_en_commun') as by_public_transport,
    max(value) filter (where variable = 'actifs_occupes_velo') + max(value) filter (where variable = 'actifs_occupes_a_pied') as by_bike_or_foot,
    max(value) filter (where variable = 'actifs_occupes_travail_commune_residence') as in_own_commune
from {{ ref('stg_insee__activity_commuting_rp2023') }}
group by all

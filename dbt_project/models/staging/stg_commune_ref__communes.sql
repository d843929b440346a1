-- Commune reference (Etalab découpage administratif): names, SIREN and legal populations by vintage.
-- Only the population vintages verified in PROVENANCE.md §1 carry a reference year.
select
    code_insee as commune_code,
    nom as commune_name,
    siren as commune_siren,
    departement as departement_code,
    region as region_code,
    arrondissement as arrondissement_code,
    codes_postaux as postal_codes,
    cast(population_pkg0_8_0_pl2016_src3677855 as integer) as population_2016,
    cast(population_pkg4_0_0_cog2024a_src7739582 as integer) as population_2021,
    cast(population_pkg4_1_0_cog2024_src8290591 as integer) as population_2022
from {{ source('geo', 'commune_reference') }}

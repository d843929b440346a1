-- Reference of the territory's communes: codes, names, SIREN, legal populations by vintage.
select
    t.commune_code,
    coalesce(r.commune_name, t.commune_name) as commune_name,
    r.commune_siren,
    t.epci_siren,
    t.departement_code,
    t.region_code,
    t.pseudo_canton_code,
    r.postal_codes,
    r.population_2016,
    r.population_2021,
    r.population_2022,
    'COG 2022 (appartenance géographique INSEE)' as geography_vintage
from {{ ref('int_territory_communes') }} t
left join {{ ref('stg_commune_ref__communes') }} r using (commune_code)

-- Reference of the communes of the run's EPCIs: codes, names, SIREN, legal populations by vintage.
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
    -- the commune reference covers La Porte du Hainaut; elsewhere the census gives the same 2022 figure
    coalesce(r.population_2022, cast(c.p22_pop as integer)) as population_2022,
    'COG 2022 (appartenance géographique INSEE)' as geography_vintage
from {{ ref('int_territory_communes') }} t
left join {{ ref('stg_commune_ref__communes') }} r using (commune_code)
left join {{ ref('stg_insee__comparateur_2025') }} c using (commune_code)

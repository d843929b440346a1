-- The territory's member communes, from INSEE's geography table (the membership authority),
-- with the département and region used as comparison territories.
select
    commune_code,
    commune_name,
    departement_code,
    region_code,
    epci_siren,
    pseudo_canton_code
from {{ ref('stg_geo__communes_2022') }}
where epci_siren = '{{ var("territory_siren") }}'

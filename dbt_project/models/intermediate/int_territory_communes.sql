-- The member communes of the run's EPCIs (var territories: a list, or every EPCI of the region), from
-- INSEE's geography table (the membership authority), with the département and region used as
-- comparison territories. Every model that speaks of "the territory" reads its EPCIs from here.
select
    commune_code,
    commune_name,
    departement_code,
    region_code,
    epci_siren,
    pseudo_canton_code
from {{ ref('stg_geo__communes_2022') }}
where {{ in_territories('epci_siren') }}

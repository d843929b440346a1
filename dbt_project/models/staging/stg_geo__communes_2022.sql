-- INSEE geography at 1 January 2022: one row per commune of the snapshot's region(s).
select
    CODGEO as commune_code,
    LIBGEO as commune_name,
    DEP as departement_code,
    REG as region_code,
    EPCI as epci_siren,
    NATURE_EPCI as epci_nature,
    ARR as arrondissement_code,
    CV as pseudo_canton_code,
    ZE2020 as zone_emploi_2020,
    BV2012 as bassin_vie_2012
from {{ source('geo', 'appartenance_2022') }}

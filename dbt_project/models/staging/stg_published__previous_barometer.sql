-- The barometer's previous publication: what the last published cycle said for each indicator (T),
-- so that the next barometer compares with the number the readers saw, not a later revision. The
-- publication keeps its French headers for readers (annee_t, valeur_t); here they take the marts' names.
-- A publication describes one EPCI (its manifest's territory): its rows carry that SIREN.
select
    epci_siren,
    cast(cycle as integer) as cycle,
    indicator_id,
    cast(annee_t as integer) as year_t,
    cast(valeur_t as double) as value_t
from {{ source('published', 'previous_barometer') }}

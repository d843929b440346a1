-- The barometer's previous publication: what the last published cycle said for each indicator (T),
-- so that the next barometer compares with the number the readers saw, not a later revision.
select
    cast(cycle as integer) as cycle,
    indicator_id,
    cast(annee_t as integer) as annee_t,
    cast(valeur_t as double) as valeur_t
from {{ source('published', 'previous_barometer') }}

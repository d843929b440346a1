-- The run's EPCIs, their départements and their region: a filter of the values computed for every
-- EPCI of the region (one code path for one EPCI and for all of them).
select * from {{ ref('int_indicator_values_aggregate_all') }}
where territory_level != 'epci' or {{ in_territories('territory_code') }}

-- The territory's EPCI, its département and its region: a filter of the values computed for every
-- EPCI of the region (one code path for one EPCI and for all of them).
select * from {{ ref('int_indicator_values_aggregate_all') }}
where territory_level != 'epci' or territory_code = '{{ var("territory_siren") }}'

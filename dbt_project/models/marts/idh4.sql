-- IDH-4 of the territory's communes and of its EPCI, département and region (built in int_idh4,
-- which the long fact table reads too).
select * from {{ ref('int_idh4') }}

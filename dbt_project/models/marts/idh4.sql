-- IDH-4 of the communes of the run's EPCIs, of those EPCIs, their départements and the region (built in int_idh4,
-- which the long fact table reads too).
select * from {{ ref('int_idh4') }}

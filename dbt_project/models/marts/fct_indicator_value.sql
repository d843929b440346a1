-- Every indicator value, long format, for communes, the EPCI and the comparison territories
-- (the union is int_indicator_values, which the comparisons read too).
select * from {{ ref('int_indicator_values') }}

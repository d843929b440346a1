-- Every indicator value, long format, for communes, the EPCI and the comparison territories.
select * from {{ ref('int_indicator_values_commune') }}
union all
select * from {{ ref('int_indicator_values_aggregate') }}
union all
select * from {{ ref('int_indicator_values_reference') }}
union all
select * from {{ ref('int_indicator_values_theme_totals') }}
union all
select * from {{ ref('int_indicator_values_idh4') }}
union all
select * from {{ ref('int_indicator_values_e2') }}

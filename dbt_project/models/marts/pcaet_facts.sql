-- Every climate-plan fact of the snapshot, as published (text values kept), with its source:
-- context for the panel, not indicators (planned capacities, heat networks, GHG split...).
with facts as (
select 'epci' as territory_level, territory_code, indicator, year, year_or_date as period_label, null as sector,
       value_text, value, unit, source_publisher, source_title, source_url, note
from {{ ref('stg_pcaet__published_figures') }}
union all
select territory_level, territory_code, indicator, year, cast(year as varchar), sector,
       value_text, value, unit, source_publisher, source_title, source_url, note
from {{ ref('stg_pcaet__figures_more') }}
)
-- the climate plan is La Porte du Hainaut's: a run without that EPCI has none of its facts, never borrowed ones
select * from facts
where (territory_level = 'epci' and {{ in_territories('territory_code') }})
   or (territory_level = 'commune' and territory_code in (select commune_code from {{ ref('int_territory_communes') }}))
   or territory_level not in ('epci', 'commune')

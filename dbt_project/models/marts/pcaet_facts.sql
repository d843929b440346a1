-- Every climate-plan fact of the snapshot, as published (text values kept), with its source:
-- context for the panel, not indicators (planned capacities, heat networks, GHG split...).
select 'epci' as territory_level, territory_code, indicator, year, year_or_date as period_label, null as sector,
       value_text, value, unit, source_publisher, source_title, source_url, note
from {{ ref('stg_pcaet__published_figures') }}
union all
select territory_level, territory_code, indicator, year, cast(year as varchar), sector,
       value_text, value, unit, source_publisher, source_title, source_url, note
from {{ ref('stg_pcaet__figures_more') }}

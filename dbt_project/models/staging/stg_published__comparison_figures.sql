-- Values published by INSEE, DREES, DREETS and others for comparison territories, each with its URL.
select
    indicator as published_indicator,
    case geo_level when 'DEP' then 'departement' when 'REG' then 'region' when 'FRANCE' then 'france'
                   when 'FRMETRO' then 'france_metro' else lower(geo_level) end as territory_level,
    geo_code as territory_code,
    geo_label as territory_label,
    try_cast(year as integer) as year,
    year as period_label,
    sex,
    try_cast(value as double) as value,
    unit,
    source_publisher,
    source_title,
    source_url,
    section,
    note
from {{ source('published', 'comparison_figures') }}

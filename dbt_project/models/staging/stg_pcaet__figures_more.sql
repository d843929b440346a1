-- Further energy and climate facts from press and operators (PROVENANCE §21).
select
    indicator,
    territory_level,
    territory_code,
    territory_label,
    try_cast(left(year, 4) as integer) as year,
    sector,
    value as value_text,
    try_cast(value as double) as value,
    unit,
    source_publisher,
    source_title,
    source_url,
    note
from {{ source('pcaet', 'figures_more') }}

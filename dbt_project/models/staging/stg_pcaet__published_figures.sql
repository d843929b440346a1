-- Climate plan figures quoted by public documents (PROVENANCE §14); values kept as text, with a
-- number where the text is one.
select
    indicator,
    siren as territory_code,
    year_or_date,
    try_cast(left(year_or_date, 4) as integer) as year,
    value as value_text,
    try_cast(value as double) as value,
    unit,
    source_publisher,
    source_title,
    source_url,
    note
from {{ source('pcaet', 'published_figures') }}

{# INSEE cells arrive as text. Secret markers (s, nd) and empty cells become NULL, never 0. #}
{% macro insee_number(col) -%}
    try_cast(nullif(nullif(nullif(trim({{ col }}), ''), 's'), 'nd') as double)
{%- endmacro %}

{% macro insee_is_secret(col) -%}
    (trim({{ col }}) in ('s', 'nd'))
{%- endmacro %}

{# Staging of a file in the tidy layout (PROVENANCE §24-§35): typed, nothing renamed or dropped. #}
{% macro tidy_staging(source_name, table) -%}
select
    geo_level,
    geo_code,
    variable,
    try_cast(nullif(trim(year), '') as integer) as year,
    {{ insee_number('value') }} as value,
    unit
from {{ source(source_name, table) }}
{%- endmacro %}

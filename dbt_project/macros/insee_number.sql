{# INSEE cells arrive as text. Secret markers (s, nd) and empty cells become NULL, never 0. #}
{% macro insee_number(col) -%}
    try_cast(nullif(nullif(nullif(trim({{ col }}), ''), 's'), 'nd') as double)
{%- endmacro %}

{% macro insee_is_secret(col) -%}
    (trim({{ col }}) in ('s', 'nd'))
{%- endmacro %}

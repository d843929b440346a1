{#- The EPCIs a run builds: var('territories') is a list of SIRENs, or 'all' for every EPCI of the
    geography table. One code path: a single-EPCI run is the list of one. -#}
{% macro in_territories(column) -%}
    {%- set scope = var('territories') -%}
    {%- if scope == 'all' -%}
        {{ column }} != 'ZZZZZZZZZ'
    {%- else -%}
        {%- if scope is string -%}{%- set scope = [scope] -%}{%- endif -%}
        {{ column }} in ('{{ scope | join("', '") }}')
    {%- endif -%}
{%- endmacro %}

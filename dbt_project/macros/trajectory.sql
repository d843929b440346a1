{# Straight line from (baseline_year, baseline) to (target_year, target), read at `year`; NULL when
   the target has no baseline (the plan does not always publish one). #}
{% macro trajectory(baseline, baseline_year, target, target_year, year) -%}
    ({{ baseline }} + ({{ target }} - {{ baseline }}) * ({{ year }} - {{ baseline_year }}) / nullif({{ target_year }} - {{ baseline_year }}, 0))
{%- endmacro %}

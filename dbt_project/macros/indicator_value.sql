{# The one formula of an indicator value, by kind (see seeds/indicator_catalogue.csv). #}
{% macro indicator_value(kind, numerator, denominator, direct_value, period_years, scale) -%}
    case {{ kind }}
        when 'count' then {{ numerator }}
        when 'ratio' then {{ numerator }} / nullif({{ denominator }}, 0) * {{ scale }}
        when 'growth' then (power({{ numerator }} / nullif({{ denominator }}, 0), 1.0 / {{ period_years }}) - 1) * {{ scale }}
        else {{ direct_value }}
    end
{%- endmacro %}

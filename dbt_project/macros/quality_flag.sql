{# The quality flag of a value, worst first: missing (secret or absent), minimum (cells withheld by
   the producer: the value is a floor), small_numbers (denominator below the indicator's
   min_denominator in seeds/indicator_catalogue.csv: too few people for a solid rate; never ranked),
   else ok. Aggregates add `partial` themselves. #}
{% macro value_quality_flag(value, denominator, min_denominator, is_minimum) -%}
    case when {{ value }} is null then 'missing'
         when {{ is_minimum }} then 'minimum'
         when {{ min_denominator }} is not null and {{ denominator }} < {{ min_denominator }} then 'small_numbers'
         else 'ok' end
{%- endmacro %}

{% macro value_quality_note(value, denominator, min_denominator, is_minimum) -%}
    case when {{ value }} is null then 'secret statistique ou valeur absente de la source'
         when {{ is_minimum }} then 'valeur minimale : des données sont secrétisées ou partielles chez le producteur'
         when {{ min_denominator }} is not null and {{ denominator }} < {{ min_denominator }}
              then format('petits effectifs : dénominateur {:.0f} < {:.0f}, valeur fragile, non classée', {{ denominator }}, {{ min_denominator }}) end
{%- endmacro %}

{# Rows where the expression is false: a rule across columns (dbt_utils.expression_is_true, offline). #}
{% test expression_is_true(model, expression) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}

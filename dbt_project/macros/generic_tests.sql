{# Generic tests written here because dbt packages (dbt_utils) cannot be installed offline. #}

{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select {{ column_name }} as value
from {{ model }}
where {{ column_name }} is not null
  and (false
  {% if min_value is not none %} or {{ column_name }} < {{ min_value }} {% endif %}
  {% if max_value is not none %} or {{ column_name }} > {{ max_value }} {% endif %})
{% endtest %}

{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test expression_is_true(model, expression) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}

{% test row_count_equals(model, expected) %}
select count(*) as n from {{ model }} having count(*) != {{ expected }}
{% endtest %}

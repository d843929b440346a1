{# A table of known size (the 47 communes, the criteria): fails when the count differs. #}
{% test row_count_equals(model, expected) %}
select count(*) as n from {{ model }} having count(*) != {{ expected }}
{% endtest %}

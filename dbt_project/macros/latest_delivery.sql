-- The rows of each service's latest accepted delivery (earlier versions stay in the raw table).
{% macro latest_delivery(table) -%}
select t.* exclude (row_number, delivery_sha256)
from {{ source('services', table) }} t
where t.version = (select max(l.version) from {{ source('services', table) }} l
                   where l.delivery_service = t.delivery_service)
{%- endmacro %}

{#
  Use the folder's schema as is (staging, intermediate), not "main_staging".
  Marts are written to `marts_candidate` and tested there (write-audit-publish): the pipeline copies
  them to `marts`, the schema analysts read, only after every dbt test and quality gate passed
  (orchestration/dbt_assets.py). A refused build therefore never reaches a reader. The data
  dictionary (`barometre docs`, vars `audit: false`) describes `marts`, what readers read.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name == 'marts' and var('audit', true) -%} marts_candidate
    {%- else -%} {{ custom_schema_name if custom_schema_name else target.schema }}
    {%- endif -%}
{%- endmacro %}

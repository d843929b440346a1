-- Commune-level values for the territory's communes, computed from their own inputs, with their
-- quality flag (missing, minimum, small_numbers: see macros/quality_flag.sql).
with cat as (select * from {{ ref('indicator_catalogue') }}),
inp as (
    select i.*, {{ indicator_value('cat.kind', 'i.numerator', 'i.denominator', 'i.direct_value', 'i.period_years', 'cat.scale') }} as value,
           cast(cat.min_denominator as double) as min_denominator
    from {{ ref('int_indicator_inputs') }} i
    join {{ ref('int_territory_communes') }} using (commune_code)
    join cat using (indicator_id)
)
select
    'commune' as territory_level,
    commune_code as territory_code,
    indicator_id,
    year,
    value,
    numerator,
    denominator,
    'observed' as basis,
    {{ value_quality_flag('value', 'denominator', 'min_denominator', 'is_minimum') }} as quality_flag,
    1 as communes_covered,
    1 as communes_expected,
    source_dataset as source,
    cast(null as varchar) as source_url,
    {{ value_quality_note('value', 'denominator', 'min_denominator', 'is_minimum') }} as note
from inp

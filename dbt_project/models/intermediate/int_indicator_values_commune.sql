-- Commune-level values for the territory's communes, computed from their own inputs.
with cat as (select * from {{ ref('indicator_catalogue') }}),
inp as (
    select i.* from {{ ref('int_indicator_inputs') }} i
    join {{ ref('int_territory_communes') }} t using (commune_code)
)
select
    'commune' as territory_level,
    inp.commune_code as territory_code,
    inp.indicator_id,
    inp.year,
    {{ indicator_value('cat.kind', 'inp.numerator', 'inp.denominator', 'inp.direct_value', 'inp.period_years', 'cat.scale') }} as value,
    inp.numerator,
    inp.denominator,
    'observed' as basis,
    case when {{ indicator_value('cat.kind', 'inp.numerator', 'inp.denominator', 'inp.direct_value', 'inp.period_years', 'cat.scale') }} is null
         then 'missing' else 'ok' end as quality_flag,
    1 as communes_covered,
    1 as communes_expected,
    inp.source_dataset as source,
    cast(null as varchar) as source_url,
    case when {{ indicator_value('cat.kind', 'inp.numerator', 'inp.denominator', 'inp.direct_value', 'inp.period_years', 'cat.scale') }} is null
         then 'secret statistique INSEE ou valeur absente de la source' end as note
from inp
join cat using (indicator_id)

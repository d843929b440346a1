-- Catalogue of indicators: French label, unit, polarity, criterion and engagement of the plan,
-- source and formula, and the years for which values exist.
with years as (
    select indicator_id, string_agg(distinct cast(year as varchar), ', ' order by cast(year as varchar)) as years
    from {{ ref('int_indicator_values_commune') }}
    group by indicator_id
)
select
    c.indicator_id,
    c.label_fr,
    c.unit,
    cast(c.polarity as integer) as polarity,
    c.criterion_id,
    cr.label_fr as criterion_label_fr,
    c.engagement,
    c.kind,
    cast(c.scale as integer) as scale,
    c.source,
    c.source_url,
    c.formula,
    y.years,
    c.vintage_rule,
    cast(c.min_denominator as double) as min_denominator
from {{ ref('indicator_catalogue') }} c
left join {{ ref('criteria') }} cr using (criterion_id)
left join years y using (indicator_id)

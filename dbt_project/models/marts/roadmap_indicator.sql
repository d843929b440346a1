-- The services' roadmap indicators, one row per indicator and year of value (an indicator with no
-- value yet has one row with year NULL). The ambition line is straight from the baseline to the
-- ambition (as the climate trajectory), and stays at the ambition after its year.
-- On-track rule: a value is on track when it is at or beyond the ambition line in the indicator's
-- desired direction ((value - line) x direction >= 0); no ambition, no verdict.
with a as (select * from {{ ref('stg_services__roadmap_actions') }}),
v as (select * from {{ ref('stg_services__roadmap_values') }}),
joined as (
    select a.*, v.year, v.value, v.source, v.comment,
           case when a.ambition_value is not null and v.year is not null then
               case when v.year >= a.ambition_year then a.ambition_value
                    else {{ trajectory('a.baseline_value', 'a.baseline_year', 'a.ambition_value', 'a.ambition_year', 'v.year') }}
               end end as ambition_line
    from a left join v on v.delivery_service = a.delivery_service and v.indicator_code = a.indicator_code
)
select
    delivery_service as service,
    engagement,
    ambition,
    criterion_id,
    action,
    indicator_code,
    indicator_label,
    indicator_type,
    unit,
    cast(polarity as integer) as polarity,
    year,
    value,
    source,
    comment,
    baseline_year,
    baseline_value,
    ambition_value,
    ambition_year,
    ambition_line,
    value - ambition_line as gap,
    case when ambition_line is not null and value is not null and polarity is not null
         then (value - ambition_line) * polarity >= 0 end as on_track,
    'sur la trajectoire si (valeur - ligne d''ambition) x sens souhaité >= 0 ; ligne droite de la référence à l''ambition' as on_track_rule,
    row_number() over (partition by delivery_service, indicator_code order by year desc nulls last) = 1 as is_latest,
    evaluative_question,
    is_example,
    version
from joined

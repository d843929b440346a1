-- Follow-up of the plan per engagement and year, from the services' deliveries: roadmap actions and
-- indicators (with a value that year, with an ambition, on track), milestones done or late (by year
-- of their due date), resources (budget lines by functional code) and council decisions.
with years as (
    select engagement, year from {{ ref('roadmap_indicator') }} where year is not null
    union select engagement, year from {{ ref('stg_services__budget_lines') }}
    union select engagement, year(decision_date) from {{ ref('stg_services__council_decisions') }}
    union select engagement, year(due_date) from {{ ref('roadmap_milestone') }} where engagement is not null
),
ind as (
    select engagement, year,
           count(distinct service || '|' || indicator_code) filter (where value is not null) as indicators_with_value,
           count(distinct service || '|' || indicator_code) filter (where ambition_line is not null) as indicators_with_ambition,
           count(distinct service || '|' || indicator_code) filter (where on_track) as indicators_on_track
    from {{ ref('roadmap_indicator') }} where year is not null group by all
),
act as (
    select engagement, count(distinct delivery_service || '|' || action) as actions
    from {{ ref('stg_services__roadmap_actions') }} group by all
),
ms as (
    select engagement, year(due_date) as year,
           count(*) filter (where state = 'atteint') as milestones_done,
           count(*) filter (where state = 'en retard') as milestones_late
    from {{ ref('roadmap_milestone') }} group by all
),
bud as (
    select engagement, year, sum(amount_eur) as amount_eur, count(*) as budget_lines
    from {{ ref('stg_services__budget_lines') }} group by all
),
dec as (
    select engagement, year(decision_date) as year, count(*) as decisions
    from {{ ref('stg_services__council_decisions') }} group by all
),
example as (
    select engagement, bool_or(is_example) as any_example from (
        select engagement, is_example from {{ ref('stg_services__roadmap_actions') }}
        union all select engagement, is_example from {{ ref('stg_services__budget_lines') }}
        union all select engagement, is_example from {{ ref('stg_services__council_decisions') }}
    ) group by all
)
select
    y.engagement,
    cast(y.year as integer) as year,
    coalesce(act.actions, 0) as actions,
    coalesce(ind.indicators_with_value, 0) as indicators_with_value,
    coalesce(ind.indicators_with_ambition, 0) as indicators_with_ambition,
    coalesce(ind.indicators_on_track, 0) as indicators_on_track,
    coalesce(ms.milestones_done, 0) as milestones_done,
    coalesce(ms.milestones_late, 0) as milestones_late,
    bud.amount_eur,
    coalesce(bud.budget_lines, 0) as budget_lines,
    coalesce(dec.decisions, 0) as decisions,
    coalesce(example.any_example, false) as includes_example
from years y
left join act using (engagement)
left join ind using (engagement, year)
left join ms using (engagement, year)
left join bud using (engagement, year)
left join dec using (engagement, year)
left join example using (engagement)
order by y.engagement, y.year

-- The roadmaps' milestones (jalons) with their state at the build date: done, late (due date passed,
-- not reached), due (due date ahead) or abandoned.
select
    m.delivery_service as service,
    (select any_value(a.engagement) from {{ ref('stg_services__roadmap_actions') }} a
     where a.delivery_service = m.delivery_service and a.action = m.action) as engagement,
    m.action,
    m.milestone,
    m.due_date,
    m.status,
    m.reached_date,
    case when m.status = 'abandonné' then 'abandonné'
         when m.status = 'atteint' then 'atteint'
         when m.due_date < current_date then 'en retard'
         else 'à échéance' end as state,
    case when m.status not in ('atteint', 'abandonné') and m.due_date < current_date
         then cast(date_diff('day', m.due_date, current_date) as integer) end as days_late,
    m.is_example,
    m.version
from {{ ref('stg_services__roadmap_milestones') }} m

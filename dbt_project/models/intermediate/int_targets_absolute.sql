-- Targets expressed in the indicator's own unit: a "-80 % vs now" target becomes
-- baseline x (1 - 0.80); other targets are already absolute. No baseline, no absolute value.
select
    t.*,
    case when t.target_unit like '% par rapport à%' then
             case when t.baseline_value is not null then t.baseline_value * (1 + t.target_value / 100) end
         else t.target_value end as target_value_absolute
from {{ ref('targets') }} t

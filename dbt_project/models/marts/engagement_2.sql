-- Engagement 2, "faire face collectivement aux enjeux globaux" (PCAET): per territory, indicator
-- and year, the value, the target (the plan's, for the plan's own EPCI only), the straight-line
-- trajectory from the baseline to the target year, and the gap to that trajectory. Indicators with
-- no value say why (e.g. not available offline).
with f as (
    select * from {{ ref('fct_indicator_value') }}
    where indicator_id in (select indicator_id from {{ ref('indicator_catalogue') }} where engagement like '%E2%')
),
t as (select * from {{ ref('int_targets_absolute') }})
select
    f.territory_level,
    f.territory_code,
    f.epci_siren,
    f.indicator_id,
    c.label_fr as indicator_label,
    c.unit,
    c.criterion_id,
    f.year,
    f.value,
    f.basis,
    f.quality_flag,
    case when f.value is not null then 'disponible' when f.quality_flag = 'not_available' then 'non disponible'
         else 'lacune dans la source' end as availability,
    t.label_fr as target_label,
    t.target_value_absolute as target_value,
    case when t.target_unit like '% par rapport à%' then c.unit else t.target_unit end as target_unit,
    t.target_year,
    t.baseline_value,
    t.baseline_year,
    -- straight line from (baseline_year, baseline_value) to (target_year, target_value)
    round({{ trajectory('t.baseline_value', 't.baseline_year', 't.target_value_absolute', 't.target_year', 'f.year') }}, 6) as trajectory_value,
    round(f.value - {{ trajectory('t.baseline_value', 't.baseline_year', 't.target_value_absolute', 't.target_year', 'f.year') }}, 6) as gap_to_trajectory,
    t.source_text as target_source,
    f.source,
    f.source_url,
    f.note
from f
join {{ ref('indicator_catalogue') }} c using (indicator_id)
left join t on t.indicator_id = f.indicator_id and f.territory_level = 'epci' and t.epci_siren = f.territory_code

-- IDH-4 and its sub-indices in the long fact table, for the territory's communes and the
-- aggregates. Year: the income vintage (Filosofi 2021 / 2019) for the composite and the income
-- sub-index, the census (RP2023 / RP2017) for education, 2021 (deaths 2016-2021) for health.
-- Fixed bounds (RP2017, Filosofi 2019), so that the barometer compares T and T-1 on one scale;
-- marts.idh4 has both methods. Aggregates cover the same communes for the composite and its parts.
with i as (select * from {{ ref('int_idh4') }} where bounds_method = 'fixed'),
long as (
    select territory_level, territory_code, 'idh4' as indicator_id, vintage as year, idh4 as value, i.* exclude (territory_level, territory_code) from i
    -- Health has a single vintage in the inputs: one row, so that no "T-1" pretends to compare it.
    union all select territory_level, territory_code, 'idh4_sante', vintage, health_index, i.* exclude (territory_level, territory_code) from i where vintage = 2021
    union all select territory_level, territory_code, 'idh4_education', cast(substr(education_vintage, 3) as integer), education_index, i.* exclude (territory_level, territory_code) from i
    union all select territory_level, territory_code, 'idh4_niveau_vie', vintage, income_index, i.* exclude (territory_level, territory_code) from i
)
select
    territory_level,
    territory_code,
    indicator_id,
    year,
    value,
    cast(null as double) as numerator,
    cast(null as double) as denominator,
    case when territory_level = 'commune' then 'observed' else 'computed' end as basis,
    case when value is null then 'missing'
         when territory_level != 'commune' and coverage_flag = 'partial' then 'partial' else 'ok' end as quality_flag,
    communes_included as communes_covered,
    communes_total as communes_expected,
    'IDH-4 (méthode Hauts-de-France, bornes fixes RP2017 et Filosofi 2019), ' || income_vintage || ', ' || education_vintage || ', décès ' || health_period as source,
    cast(null as varchar) as source_url,
    missing_reason as note
from long

-- IDH-4 by commune for every Hauts-de-France commune, with the Hauts-de-France method
-- (GéoTerritoires record idh.idh4; NPdC D2DPE note n°24, 2009; Repères HdF n°10, 2019):
--   health    = 1 - (ICM - min) / (max - min), ICM of the commune's pseudo-canton (deaths 2016-2021);
--   education = (x - min) / (max - min), x = % of the non-schooled aged 15+ holding a diploma
--               above the CEP (100 - share with no diploma or at most the CEP), see int_education_x;
--   income    = (ln x - ln min) / (ln max - ln min), x = median disposable income per
--               consumption unit (Filosofi);
--   IDH-4     = (health + education + income) / 3, only when all three exist.
-- Two vintages: T = education RP2023 + income Filosofi 2021; T-1 = education RP2017 + income
-- Filosofi 2019 (`vintage` is the income year). Health has one vintage.
-- Bounds: `observed` = min and max over the Hauts-de-France units of the same vintage that have
-- the input (pseudo-cantons for health; every commune for education and income). `fixed` = the
-- bounds of the reference vintage (RP2017 for education, Filosofi 2019 for income), so that T and
-- T-1 are on one scale. A missing input leaves its sub-index and IDH-4 missing, with the reason.
with geo as (select * from {{ ref('stg_geo__communes_2022') }}),
hdf as (select distinct commune_code from {{ ref('stg_insee__comparateur_2025') }} where not is_merged_row),
icm as (select * from {{ ref('int_icm_pseudo_canton') }}),
edu as (select * from {{ ref('int_education_x') }}),
income as (
    select commune_code, 2021 as vintage, med21 as income_x from {{ ref('stg_insee__filosofi_2021') }}
    union all
    select commune_code, 2019, med19 from {{ ref('stg_insee__comparateur_2021') }} where not is_merged_row
),
vintages as (select * from (values (2021, 2023), (2019, 2017)) as v (vintage, education_year)),  -- noqa: AL05
methods as (select unnest(['observed', 'fixed']) as bounds_method),
health_bounds as (select min(icm) as lo, max(icm) as hi from icm),
edu_bounds as (select year, min(education_x) as lo, max(education_x) as hi from edu where education_x is not null group by year),
income_bounds as (
    select vintage, min(income_x) as lo, max(income_x) as hi from income where income_x > 0 group by vintage
),
base as (
    select h.commune_code, v.vintage, m.bounds_method, g.pseudo_canton_code, i.icm, e.education_x,
           'RP' || v.education_year as education_vintage, inc.income_x,
           hb.lo as health_min, hb.hi as health_max,
           case m.bounds_method when 'observed' then eb.lo else eb_ref.lo end as education_min,
           case m.bounds_method when 'observed' then eb.hi else eb_ref.hi end as education_max,
           case m.bounds_method when 'observed' then ib.lo else ib_ref.lo end as income_min,
           case m.bounds_method when 'observed' then ib.hi else ib_ref.hi end as income_max
    from hdf h
    cross join vintages v
    cross join methods m
    left join geo g using (commune_code)
    left join icm i on i.pseudo_canton_code = g.pseudo_canton_code
    left join edu e on e.commune_code = h.commune_code and e.year = v.education_year
    left join income inc on inc.commune_code = h.commune_code and inc.vintage = v.vintage
    cross join health_bounds hb
    left join edu_bounds eb on eb.year = v.education_year
    left join edu_bounds eb_ref on eb_ref.year = 2017
    left join income_bounds ib on ib.vintage = v.vintage
    left join income_bounds ib_ref on ib_ref.vintage = 2019
),
scored as (
    select *,
        1 - (icm - health_min) / (health_max - health_min) as health_index,
        (education_x - education_min) / (education_max - education_min) as education_index,
        (ln(income_x) - ln(income_min)) / (ln(income_max) - ln(income_min)) as income_index
    from base
)
select
    commune_code,
    vintage,
    bounds_method,
    pseudo_canton_code,
    icm,
    '2016-2021' as health_period,
    health_index,
    health_min,
    health_max,
    education_x,
    education_vintage,
    education_index,
    education_min,
    education_max,
    income_x,
    'Filosofi ' || vintage as income_vintage,
    income_index,
    income_min,
    income_max,
    (health_index + education_index + income_index) / 3 as idh4,
    nullif(concat_ws(' ; ',
        case when icm is null then 'pas d''ICM : commune absente de la géographie 2022 (pas de pseudo-canton)' end,
        case when education_x is null then 'diplômes non disponibles pour cette commune (' || education_vintage || ')' end,
        case when income_x is null then 'niveau de vie médian soumis au secret statistique ou absent' end), '') as missing_reason
from scored

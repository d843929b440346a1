-- Reference death rates by census age group (0-14, 15-29, ..., 90+) for the indirect
-- standardisation of the ICM.
-- * France métropolitaine, pooled over 2018-2021 (the years where both inputs exist; the deaths
--   observed in the communes cover 2016-2021).
-- * Within a census group, each five-year group is weighted by its population on 1 January
--   (INSEE estimates); within a five-year group, single ages weigh the same (no single-age
--   population is available). The open group 95+ takes the mean m(x) of ages 95 to 99.
-- * m(x) is HMD's "total" (both sexes) central death rate.
with mx as (select year, age, mx from {{ ref('stg_hmd__france_mx') }} where sex = 'total'),
pop as (
    select * from {{ ref('stg_insee__pop_age_france') }}
    where geo_code = 'FRANCE_METRO' and sex = 'ensemble' and year between 2018 and 2021
),
rate_5y as (
    select p.year, p.age_group_5y, p.age_from, p.population, avg(m.mx) as mx
    from pop p
    join mx m on m.year = p.year and m.age between p.age_from and least(p.age_to, 99)
    group by all
)
select
    case when age_from < 15 then 'POP0014' when age_from < 30 then 'POP1529' when age_from < 45 then 'POP3044'
         when age_from < 60 then 'POP4559' when age_from < 75 then 'POP6074' when age_from < 90 then 'POP7589'
         else 'POP90P' end as census_age_group,
    sum(population * mx) / sum(population) as reference_rate,
    min(year) as first_year,
    max(year) as last_year
from rate_5y
group by 1

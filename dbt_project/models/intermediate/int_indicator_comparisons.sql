-- For each territory commune and indicator, the latest year's value beside the EPCI, the
-- département, the region and France for the same year. A comparison value computed from
-- full commune coverage is preferred to a published one; `*_basis` says which was used.
with f as (select * from {{ ref('int_indicator_values') }} where value is not null),
latest as (
    select indicator_id, max(year) as year
    from f where territory_level = 'commune'
    group by indicator_id
),
ref_values as (
    select territory_level, indicator_id, year, value, basis,
           row_number() over (partition by territory_level, indicator_id, year
                              order by case basis when 'computed' then 0 else 1 end) as pick
    from f
    where territory_level in ('epci', 'departement', 'region', 'france')
),
pick as (select * from ref_values where pick = 1)
select
    c.territory_code as commune_code,
    c.indicator_id,
    c.year,
    c.value,
    c.quality_flag,
    e.value as epci_value,
    d.value as departement_value,
    d.basis as departement_basis,
    r.value as region_value,
    r.basis as region_basis,
    fr.value as france_value,
    fr.basis as france_basis
from f c
join latest l on l.indicator_id = c.indicator_id and l.year = c.year
left join pick e on e.territory_level = 'epci' and e.indicator_id = c.indicator_id and e.year = c.year
left join pick d on d.territory_level = 'departement' and d.indicator_id = c.indicator_id and d.year = c.year
left join pick r on r.territory_level = 'region' and r.indicator_id = c.indicator_id and r.year = c.year
left join pick fr on fr.territory_level = 'france' and fr.indicator_id = c.indicator_id and fr.year = c.year
where c.territory_level = 'commune'

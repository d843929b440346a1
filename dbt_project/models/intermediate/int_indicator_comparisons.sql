-- For each commune of the run's EPCIs and each indicator, the latest well-covered year's value beside its own
-- EPCI, its département, the region and France for the same year. A comparison value computed from
-- full commune coverage is preferred to a published one; `*_basis` says which was used.
with f as (select * from {{ ref('int_indicator_values') }} where value is not null),
latest as (
    -- per EPCI, the latest of the years that cover the most of its communes (a Nord-only file's
    -- later year does not leave another département's communes without a value)
    select epci_siren, indicator_id, year
    from (
        -- rows, not values: a commune under statistical secrecy is covered by the file
        select tc.epci_siren, v.indicator_id, v.year, count(*) as communes
        from {{ ref('int_indicator_values') }} v
        join {{ ref('int_territory_communes') }} tc on tc.commune_code = v.territory_code
        where v.territory_level = 'commune' and v.year is not null
        group by all
    )
    qualify rank() over (partition by epci_siren, indicator_id order by communes desc) = 1
        and row_number() over (partition by epci_siren, indicator_id, communes order by year desc) = 1
),
ref_values as (
    select territory_level, territory_code, indicator_id, year, value, basis,
           row_number() over (partition by territory_level, territory_code, indicator_id, year
                              order by case basis when 'computed' then 0 else 1 end) as pick
    from f
    where territory_level in ('epci', 'departement', 'region', 'france')
),
pick as (select * from ref_values where pick = 1)
select
    c.territory_code as commune_code,
    tc.epci_siren,
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
join {{ ref('int_territory_communes') }} tc on tc.commune_code = c.territory_code
join latest l on l.epci_siren = tc.epci_siren and l.indicator_id = c.indicator_id and l.year = c.year
left join pick e on e.territory_level = 'epci' and e.territory_code = tc.epci_siren and e.indicator_id = c.indicator_id and e.year = c.year
left join pick d on d.territory_level = 'departement' and d.territory_code = tc.departement_code and d.indicator_id = c.indicator_id and d.year = c.year
left join pick r on r.territory_level = 'region' and r.indicator_id = c.indicator_id and r.year = c.year
left join pick fr on fr.territory_level = 'france' and fr.indicator_id = c.indicator_id and fr.year = c.year
where c.territory_level = 'commune'

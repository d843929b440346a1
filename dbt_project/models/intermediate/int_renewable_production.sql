-- Renewable electricity production (MWh) and capacity (MW) by territory commune and the EPCI,
-- installations in service only. A commune without a renewable installation has no row: its
-- production is unknown to the register, not zero.
with r as (
    select o.* from {{ ref('stg_odre__installations') }} o
    join {{ ref('int_territory_communes') }} t using (commune_code)
    where o.is_renewable and coalesce(o.regime, 'En service') = 'En service'
),
commune as (
    select 'commune' as territory_level, commune_code as territory_code, year,
           case when count(*) = count(production_kwh) then sum(production_kwh) / 1000 end as production_mwh,
           sum(capacity_kw) / 1000 as capacity_mw,
           count(*) - count(production_kwh) as missing_cells
    from r group by all
)
select * from commune
union all
select 'epci', '{{ var("territory_siren") }}', year,
       case when count(*) = count(production_mwh) then sum(production_mwh) end, sum(capacity_mw), sum(missing_cells)
from commune group by year

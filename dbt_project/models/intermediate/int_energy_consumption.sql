-- Electricity + gas consumption (MWh) by territory commune, year and sector, and the EPCI sum.
-- A sector missing from the source is a flagged gap (NULL), never a zero.
with c as (
    select o.* from {{ ref('stg_ore__conso_commune') }} o
    join {{ ref('int_territory_communes') }} t using (commune_code)
),
long as (
    {% for s in ['agriculture', 'industrie', 'residentiel', 'tertiaire', 'non_affecte', 'totale'] %}
    select commune_code, year, filiere, '{{ s }}' as sector, conso_{{ s }}_mwh as mwh from c
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),
commune as (
    select 'commune' as territory_level, commune_code as territory_code, year, sector,
           case when count(*) = count(mwh) then sum(mwh) end as mwh,
           string_agg(filiere, ' + ' order by filiere) as filieres,
           count(*) - count(mwh) as missing_cells,
           1 as communes_covered
    from long group by all
)
select * from commune
union all
select 'epci', '{{ var("territory_siren") }}', year, sector,
       case when count(*) = count(mwh) then sum(mwh) end,
       string_agg(distinct filieres, ' ; '),
       sum(missing_cells),
       count(mwh)
from commune group by year, sector

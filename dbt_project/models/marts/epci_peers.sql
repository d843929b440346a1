-- Every EPCI of Hauts-de-France against its peers: the EPCIs of the same kind (CA, CU, CC, ME) and
-- size class (population 2022), for the rates and indices that compare across sizes (counts do not).
-- Values are those of int_indicator_values_aggregate_all (the territory's own EPCI values are a
-- filter of the same model), plus the IDH-4 (fixed bounds), population-weighted over the communes
-- that have one, as in marts.idh4. Only solid values (quality 'ok') are ranked; rank 1 = the most
-- favourable position given the indicator's direction. The regional distribution (quartiles) is over
-- every EPCI with a solid value the same year.
with geo as (select * from {{ ref('int_epcis') }}),
epcis as (
    select *, case when population_2022 < 50000 then 'moins de 50 000 habitants'
                   when population_2022 < 100000 then '50 000 à 100 000 habitants'
                   when population_2022 < 200000 then '100 000 à 200 000 habitants'
                   else '200 000 habitants ou plus' end as size_class
    from geo
),
cat as (select * from {{ ref('indicator_catalogue') }}),
rates as (
    select a.territory_code as epci_siren, a.indicator_id, a.year, a.value, a.quality_flag
    from {{ ref('int_indicator_values_aggregate_all') }} a join cat using (indicator_id)
    where a.territory_level = 'epci' and cat.kind in ('ratio', 'growth') and a.value is not null
),
idh4 as (
    select g.epci_siren, 'idh4' as indicator_id, 2021 as year,
           sum(c.p22_pop * i.idh4) filter (where i.idh4 is not null) / sum(c.p22_pop) filter (where i.idh4 is not null) as value,
           case when count(i.idh4) < count(*) then 'partial' else 'ok' end as quality_flag
    from {{ ref('int_idh4_commune') }} i
    join {{ ref('stg_geo__communes_2022') }} g using (commune_code)
    join {{ ref('stg_insee__comparateur_2025') }} c using (commune_code)
    where i.vintage = 2021 and i.bounds_method = 'fixed' and g.epci_siren != 'ZZZZZZZZZ' and not c.is_merged_row
    group by g.epci_siren
),
v as (select * from rates union all select * from idh4 where value is not null),
latest as (  -- the territory's latest year (its barometer's), else the latest any EPCI has
    select indicator_id, coalesce(max(year) filter (where epci_siren = '{{ var("territory_siren") }}'), max(year)) as year
    from v group by indicator_id
),
solid as (
    select v.*, e.epci_nature, e.size_class, cast(cat.polarity as integer) as polarity
    from v join latest using (indicator_id, year) join epcis e using (epci_siren) join cat using (indicator_id)
    where v.quality_flag = 'ok'
),
ranked as (
    select *,
           case when polarity != 0 then rank() over (partition by indicator_id, epci_nature, size_class order by value * polarity desc) end as rank_among_peers,
           count(*) over (partition by indicator_id, epci_nature, size_class) as peers,
           case when polarity != 0 then rank() over (partition by indicator_id order by value * polarity desc) end as rank_in_region,
           count(*) over (partition by indicator_id) as epcis_in_region,
           quantile_cont(value, 0.25) over (partition by indicator_id) as region_q1,
           median(value) over (partition by indicator_id) as region_median,
           quantile_cont(value, 0.75) over (partition by indicator_id) as region_q3,
           min(value) over (partition by indicator_id) as region_min,
           max(value) over (partition by indicator_id) as region_max,
           median(value) over (partition by indicator_id, epci_nature, size_class) as peers_median
    from solid
)
select
    r.epci_siren,
    e.epci_nature,
    e.size_class,
    e.main_commune,
    cast(e.communes as integer) as communes,
    cast(e.population_2022 as bigint) as population_2022,
    r.indicator_id,
    cast(r.year as integer) as year,
    r.value,
    cast(r.rank_among_peers as integer) as rank_among_peers,
    cast(r.peers as integer) as peers,
    r.peers_median,
    cast(r.rank_in_region as integer) as rank_in_region,
    cast(r.epcis_in_region as integer) as epcis_in_region,
    r.region_min,
    r.region_q1,
    r.region_median,
    r.region_q3,
    r.region_max,
    r.epci_siren = '{{ var("territory_siren") }}' as is_territory
from ranked r join epcis e using (epci_siren)
order by r.indicator_id, e.epci_nature, e.size_class, r.rank_among_peers

-- IDH-4 (indice de développement humain territorialisé) per commune of the run's EPCIs and per
-- aggregate (each EPCI, its département, the region), for each income vintage (2021 = T, 2019 = T-1) and each
-- bounds method (observed, fixed). Sub-indices, raw inputs, bounds and vintages are kept beside
-- the composite. Aggregates are the population-weighted mean (RP2022 municipal population) of the
-- commune values over the communes that have an IDH-4; their coverage (communes, population
-- share) is given, and `partial` when below 100 %.
with c as (select * from {{ ref('int_idh4_commune') }}),
pop as (select commune_code, p22_pop as population from {{ ref('stg_insee__comparateur_2025') }} where not is_merged_row),
territory as (select * from {{ ref('int_territory_communes') }}),
geo as (select commune_code, departement_code, region_code from {{ ref('stg_geo__communes_2022') }}),
scopes as (
    select 'epci' as territory_level, epci_siren as territory_code, commune_code from territory
    union all
    select 'departement', g.departement_code, g.commune_code from geo g
    where g.departement_code in (select departement_code from territory)
    union all
    select 'region', g.region_code, g.commune_code from geo g
    where g.region_code in (select region_code from territory)
),
aggregates as (
    select
        s.territory_level, s.territory_code, c.vintage, c.bounds_method,
        sum(p.population * c.health_index) filter (where c.idh4 is not null) / sum(p.population) filter (where c.idh4 is not null) as health_index,
        sum(p.population * c.education_index) filter (where c.idh4 is not null) / sum(p.population) filter (where c.idh4 is not null) as education_index,
        sum(p.population * c.income_index) filter (where c.idh4 is not null) / sum(p.population) filter (where c.idh4 is not null) as income_index,
        sum(p.population * c.idh4) filter (where c.idh4 is not null) / sum(p.population) filter (where c.idh4 is not null) as idh4,
        count(*) filter (where c.idh4 is not null) as communes_included,
        count(*) as communes_total,
        sum(p.population) filter (where c.idh4 is not null) / sum(p.population) as population_share,
        any_value(c.health_min) as health_min, any_value(c.health_max) as health_max,
        any_value(c.education_min) as education_min, any_value(c.education_max) as education_max,
        any_value(c.income_min) as income_min, any_value(c.income_max) as income_max,
        any_value(c.education_vintage) as education_vintage
    from scopes s
    join c using (commune_code)
    left join pop p using (commune_code)
    group by all
),
communes as (
    select
        'commune' as territory_level, c.commune_code as territory_code, c.vintage, c.bounds_method,
        c.health_index, c.education_index, c.income_index, c.idh4,
        case when c.idh4 is null then 0 else 1 end as communes_included, 1 as communes_total,
        case when c.idh4 is null then 0.0 else 1.0 end as population_share, c.education_vintage,
        c.health_min, c.health_max, c.education_min, c.education_max, c.income_min, c.income_max,
        c.icm, c.education_x, c.income_x, c.pseudo_canton_code, c.missing_reason, territory.epci_siren
    from c join territory using (commune_code)
)
select
    u.territory_level,
    u.territory_code,
    -- the EPCI a row belongs to (a commune's, an EPCI's own); NULL for the shared comparison territories
    case u.territory_level when 'commune' then u.epci_siren when 'epci' then u.territory_code end as epci_siren,
    coalesce(d.commune_name, case u.territory_level when 'epci' then 'EPCI ' || u.territory_code
             when 'departement' then 'Département ' || u.territory_code else 'Région ' || u.territory_code end) as territory_name,
    u.vintage,
    u.bounds_method,
    u.health_index,
    u.education_index,
    u.income_index,
    u.idh4,
    u.icm,
    u.education_x,
    u.income_x,
    u.pseudo_canton_code,
    '2016-2021' as health_period,
    u.education_vintage,
    'Filosofi ' || u.vintage as income_vintage,
    u.health_min, u.health_max, u.education_min, u.education_max, u.income_min, u.income_max,
    u.communes_included,
    u.communes_total,
    u.population_share,
    case when u.territory_level = 'commune' then null
         when u.population_share >= 1 then 'complete' else 'partial' end as coverage_flag,
    coalesce(u.missing_reason,
             case when u.territory_level != 'commune' and u.population_share < 1
                  then format('couverture partielle : {} communes sur {}, {:.1f} % de la population', u.communes_included,
                              u.communes_total, 100 * u.population_share) end) as missing_reason,
    case when u.territory_level = 'commune' and u.idh4 is not null
         then rank() over (partition by u.territory_level, u.epci_siren, u.vintage, u.bounds_method, (u.idh4 is null)
                           order by u.idh4 desc) end as rank_in_epci
from (
    select territory_level, territory_code, vintage, bounds_method, health_index, education_index, income_index, idh4,
           communes_included, communes_total, population_share, health_min, health_max, education_min, education_max,
           income_min, income_max, icm, education_x, income_x, pseudo_canton_code, missing_reason, education_vintage, epci_siren
    from communes
    union all
    select territory_level, territory_code, vintage, bounds_method, health_index, education_index, income_index, idh4,
           communes_included, communes_total, population_share, health_min, health_max, education_min, education_max,
           income_min, income_max, null, null, null, null, null, education_vintage, null
    from aggregates
) u
-- the commune's name as dim_commune gives it (the commune reference first, else INSEE's geography)
left join (
    select t.commune_code, coalesce(r.commune_name, t.commune_name) as commune_name
    from {{ ref('int_territory_communes') }} t
    left join {{ ref('stg_commune_ref__communes') }} r using (commune_code)
) d on u.territory_level = 'commune' and d.commune_code = u.territory_code

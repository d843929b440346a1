-- Values for every EPCI of the region, the territory's département and its region, recomputed from
-- the communes' summed numerators and denominators (never an average of commune rates). Medians and
-- rates published without their counts cannot be aggregated: those rows say so instead of carrying
-- a number. A source covering the Nord only (scope '59') gives the Nord's EPCIs and the Nord, never
-- the region. The territory's own values are a filter of these (int_indicator_values_aggregate);
-- the other EPCIs serve the peers view (marts.epci_peers).
with cat as (select * from {{ ref('indicator_catalogue') }}),
geo as (select distinct departement_code, region_code from {{ ref('stg_geo__communes_2022') }}),
territory as (select * from {{ ref('int_territory_communes') }}),
scopes as (
    -- one row per (aggregate, commune) it contains
    select 'epci' as territory_level, g.epci_siren as territory_code, i.commune_code
    from (select distinct commune_code from {{ ref('int_indicator_inputs') }}) i
    join {{ ref('stg_geo__communes_2022') }} g using (commune_code)
    where g.epci_siren != 'ZZZZZZZZZ'
    union all
    select 'departement', i.departement_code, i.commune_code
    from (select distinct commune_code, departement_code from {{ ref('int_indicator_inputs') }}) i
    where i.departement_code in (select departement_code from territory)
    union all
    select 'region', geo.region_code, i.commune_code
    from (select distinct commune_code, departement_code from {{ ref('int_indicator_inputs') }}) i
    join geo using (departement_code)
    where geo.region_code in (select region_code from territory)
),
inputs as (
    select i.*, cast(cat.min_denominator as double) as min_denominator
    from {{ ref('int_indicator_inputs') }} i join cat using (indicator_id)
),
sums as (
    select
        s.territory_level,
        s.territory_code,
        i.indicator_id,
        i.year,
        -- Summed as DECIMAL: exact, so the result does not depend on the order DuckDB's threads add rows
        -- (a published barometer must be byte-identical for the same inputs).
        cast(sum(cast(i.numerator as decimal(38, 10))) filter (where i.numerator is not null and (cat.kind = 'count' or i.denominator is not null)) as double) as numerator,
        cast(sum(cast(i.denominator as decimal(38, 10))) filter (where i.numerator is not null and i.denominator is not null) as double) as denominator,
        any_value(i.period_years) as period_years,
        count(*) filter (where i.numerator is not null and (cat.kind = 'count' or i.denominator is not null)) as communes_covered,
        count(*) as communes_expected,
        any_value(i.source_dataset) as source,
        any_value(cat.kind) as kind,
        any_value(cat.scale) as scale,
        bool_or(i.is_minimum) as is_minimum,
        any_value(i.min_denominator) as min_denominator
    from scopes s
    join inputs i using (commune_code)
    join cat using (indicator_id)
    where s.territory_level != 'region' or i.scope = 'region'
    group by all
)
select
    territory_level,
    territory_code,
    indicator_id,
    year,
    case when kind in ('count', 'ratio', 'growth')
         then {{ indicator_value('kind', 'numerator', 'denominator', 'null', 'period_years', 'scale') }} end as value,
    case when kind in ('count', 'ratio', 'growth') then numerator end as numerator,
    case when kind in ('count', 'ratio', 'growth') then denominator end as denominator,
    case when kind in ('count', 'ratio', 'growth') then 'computed' else 'not_computable' end as basis,
    case when kind not in ('count', 'ratio', 'growth') then 'not_available'
         when communes_covered = 0 then 'missing'
         when communes_covered < communes_expected then 'partial'
         else {{ value_quality_flag('numerator', 'denominator', 'min_denominator', 'is_minimum') }} end as quality_flag,
    communes_covered,
    communes_expected,
    source,
    cast(null as varchar) as source_url,
    case when kind = 'median' then 'Une médiane ne se calcule pas à partir des médianes communales ; aucune valeur publiée pour ce territoire dans l''instantané'
         when kind = 'direct' then 'Taux publié sans ses effectifs : non agrégeable ; aucune valeur publiée pour ce territoire et cette année dans l''instantané'
         when communes_covered < communes_expected then format('Couverture partielle : {} communes sur {}', communes_covered, communes_expected)
         else {{ value_quality_note('numerator', 'denominator', 'min_denominator', 'is_minimum') }}
    end as note
from sums

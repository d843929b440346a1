-- Engagement 2 values that do not come from commune inputs:
--  * CO2 emissions as published for the climate plan (EPCI, basis `published`, with URL), and per
--    inhabitant with the RP2022 population;
--  * an explicit `not_available` row for each E2 indicator that has no value at all, saying why
--    (air pollutants: no open source per commune or EPCI in the snapshot).
-- Energy, production, mobility and land-take values come from int_indicator_inputs like any other.
with cat as (select * from {{ ref('indicator_catalogue') }} where engagement like '%E2%'),
pop as (
    select territory_code, value as population from {{ ref('int_indicator_values_aggregate') }}
    where indicator_id = 'population' and year = 2022 and territory_level = 'epci'
),
co2 as (
    select * from {{ ref('stg_pcaet__published_figures') }} where indicator = 'emissions_co2_annuelles_territoire'
),
epci_count as (select count(*) as n from {{ ref('int_territory_communes') }}),
inputs as (select distinct indicator_id from {{ ref('int_indicator_inputs') }} where numerator is not null or direct_value is not null),
vals as (
    select 'epci' as territory_level, c.territory_code, 'emissions_co2_territoire' as indicator_id, 2023 as year, c.value,
           c.value as numerator, null::double as denominator, 'published' as basis, 'ok' as quality_flag,
           null::bigint as communes_covered, null::bigint as communes_expected, c.source_publisher as source, c.source_url, c.note
    from co2 c
    union all
    select 'epci', c.territory_code, 'emissions_co2_par_habitant', 2023, c.value / p.population, c.value, p.population,
           'computed', 'ok', null, null, c.source_publisher || ' ; INSEE RP2022', c.source_url,
           'émissions publiées (périmètre non précisé) / population municipale 2022'
    from co2 c join pop p using (territory_code)
)
select * from vals
union all
select 'epci', '{{ var("territory_siren") }}', cat.indicator_id, null::integer, null::double, null::double, null::double,
       'not_computable', 'not_available', 0, (select n from epci_count), cat.source, null,
       'Non disponible : ' || cat.formula
from cat
where cat.indicator_id not in (select indicator_id from vals where value is not null)
  and cat.indicator_id not in (select indicator_id from inputs)

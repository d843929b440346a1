-- Engagement 2 values that do not come from commune inputs:
--  * CO2 emissions as published for the climate plan (EPCI, basis `published`, with URL), and per
--    inhabitant with the RP2022 population: for the climate plan's EPCI, when the run covers it;
--  * for each EPCI of the run, an explicit `not_available` row for each E2 indicator that has no
--    value at all, saying why (air pollutants: no open source per commune or EPCI in the snapshot).
-- Energy, production, mobility and land-take values come from int_indicator_inputs like any other.
with cat as (select * from {{ ref('indicator_catalogue') }} where engagement like '%E2%'),
pop as (
    select territory_code, value as population from {{ ref('int_indicator_values_aggregate') }}
    where indicator_id = 'population' and year = 2022 and territory_level = 'epci'
),
co2 as (
    select * from {{ ref('stg_pcaet__published_figures') }}
    where indicator = 'emissions_co2_annuelles_territoire' and {{ in_territories('territory_code') }}
),
epcis as (select epci_siren, count(*) as n from {{ ref('int_territory_communes') }} group by epci_siren),
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
select 'epci', e.epci_siren, cat.indicator_id, null::integer, null::double, null::double, null::double,
       'not_computable', 'not_available', 0, e.n, cat.source, null,
       'Non disponible : ' || cat.formula
from cat cross join epcis e
where not exists (select 1 from vals v where v.indicator_id = cat.indicator_id and v.territory_code = e.epci_siren and v.value is not null)
  and cat.indicator_id not in (select indicator_id from inputs)

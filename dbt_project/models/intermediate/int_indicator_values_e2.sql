-- Engagement 2 values in the long fact table:
--  * electricity and gas consumption from Agence ORE (live mode only) for communes and the EPCI;
--  * CO2 emissions as published for the climate plan (EPCI, basis `published`, with URL);
--  * per-inhabitant values computed from them and the RP2022 population;
--  * an explicit `not_available` row for each E2 indicator that has no value at all, saying why.
with cat as (select * from {{ ref('indicator_catalogue') }} where engagement = 'E2'),
pop as (
    select territory_level, territory_code, value as population from {{ ref('int_indicator_values_commune') }}
    where indicator_id = 'population' and year = 2022
    union all
    select territory_level, territory_code, value from {{ ref('int_indicator_values_aggregate') }}
    where indicator_id = 'population' and year = 2022 and territory_level = 'epci'
),
energy as (
    select e.*, case e.sector when 'totale' then 'consommation_energie_finale'
                              when 'residentiel' then 'consommation_energie_residentiel'
                              when 'tertiaire' then 'consommation_energie_tertiaire'
                              when 'industrie' then 'consommation_energie_industrie'
                              when 'agriculture' then 'consommation_energie_agriculture' end as indicator_id
    from {{ ref('int_energy_consumption') }} e
),
prod as (select * from {{ ref('int_renewable_production') }}),
co2 as (
    select * from {{ ref('stg_pcaet__published_figures') }} where indicator = 'emissions_co2_annuelles_territoire'
),
epci_count as (select count(*) as n from {{ ref('int_territory_communes') }}),
vals as (
    select e.territory_level, e.territory_code, e.indicator_id, e.year, e.mwh as value, e.mwh as numerator,
           null::double as denominator, case when e.territory_level = 'commune' then 'observed' else 'computed' end as basis,
           case when e.mwh is null then 'missing'
                when e.territory_level = 'epci' and e.communes_covered < (select n from epci_count) then 'partial'
                else 'ok' end as quality_flag,
           e.communes_covered, case when e.territory_level = 'epci' then (select n from epci_count) else 1 end as communes_expected,
           'Agence ORE' as source, null as source_url,
           case when e.mwh is null then format('secteur absent de la source pour {} cellule(s) : lacune signalée, pas un zéro', e.missing_cells)
                else 'filières : ' || e.filieres end as note
    from energy e where e.indicator_id is not null
    union all
    select e.territory_level, e.territory_code, 'consommation_energie_par_habitant', e.year, e.mwh / p.population,
           e.mwh, p.population, case when e.territory_level = 'commune' then 'observed' else 'computed' end,
           case when e.mwh is null then 'missing' else 'ok' end, e.communes_covered, 1, 'Agence ORE ; INSEE RP2022', null,
           'population municipale 2022'
    from energy e join pop p using (territory_level, territory_code)
    where e.sector = 'totale'
    union all
    select p.territory_level, p.territory_code, 'production_renouvelable', p.year, p.production_mwh, p.production_mwh,
           null, case when p.territory_level = 'commune' then 'observed' else 'computed' end,
           case when p.production_mwh is null then 'missing' else 'ok' end, null, null, 'ODRÉ', null,
           format('puissance installée {:.1f} MW ; production glissante sur 12 mois', p.capacity_mw)
    from prod p
    union all
    select p.territory_level, p.territory_code, 'autonomie_energetique', p.year, 100 * p.production_mwh / e.mwh,
           p.production_mwh, e.mwh, 'computed', case when p.production_mwh is null or e.mwh is null then 'missing' else 'ok' end,
           null, null, 'ODRÉ ; Agence ORE', null,
           'production renouvelable / consommation d''électricité et de gaz de la même année'
    from prod p join energy e on e.territory_level = p.territory_level and e.territory_code = p.territory_code
                             and e.year = p.year and e.sector = 'totale'
    union all
    select 'epci', c.territory_code, 'emissions_co2_territoire', 2023, c.value, c.value, null, 'published', 'ok', null, null,
           c.source_publisher, c.source_url, c.note
    from co2 c
    union all
    select 'epci', c.territory_code, 'emissions_co2_par_habitant', 2023, c.value / p.population, c.value, p.population,
           'computed', 'ok', null, null, c.source_publisher || ' ; INSEE RP2022', c.source_url,
           'émissions publiées (périmètre non précisé) / population municipale 2022'
    from co2 c join pop p on p.territory_level = 'epci' and p.territory_code = c.territory_code
)
select * from vals
union all
select 'epci', '{{ var("territory_siren") }}', cat.indicator_id, null::integer, null::double, null::double, null::double,
       'not_computable', 'not_available', 0, (select n from epci_count), cat.source, null,
       case when cat.source like '%live%' then 'Non disponible hors ligne : les données par commune (Agence ORE, ODRÉ) ne sont pas dans l''instantané ; lancer barometre run --source live.'
            else 'Non disponible : ' || cat.formula end
from cat
where cat.indicator_id not in (select indicator_id from vals where value is not null)

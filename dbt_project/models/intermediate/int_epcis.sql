-- Every EPCI of the geography table: its kind (CA, CU, CC, ME), its communes and RP2022 population,
-- its main commune, and the département that holds most of its population (the département an
-- EPCI is compared with; an EPCI may straddle two).
with communes as (
    select g.epci_siren, g.epci_nature, g.commune_name, g.departement_code, g.region_code, c.p22_pop
    from {{ ref('stg_geo__communes_2022') }} g
    join {{ ref('stg_insee__comparateur_2025') }} c using (commune_code)
    where g.epci_siren != 'ZZZZZZZZZ' and not c.is_merged_row
),
main_departement as (
    select epci_siren, arg_max(departement_code, population) as departement_code
    from (select epci_siren, departement_code, sum(p22_pop) as population from communes group by all)
    group by epci_siren
)
select
    c.epci_siren,
    any_value(c.epci_nature) as epci_nature,
    count(*) as communes,
    sum(c.p22_pop) as population_2022,
    arg_max(c.commune_name, c.p22_pop) as main_commune,
    any_value(d.departement_code) as departement_code,
    any_value(c.region_code) as region_code
from communes c
join main_departement d using (epci_siren)
group by c.epci_siren

-- Our IDH-4 beside the figures the Projet de Territoire quotes (seeds/idh4_plan_figures.csv: the
-- CAPH, the region, and five communes given as a range "entre 0,18 et 0,28"). The plan's figures
-- follow the Hauts-de-France method (GéoTerritoires record idh.idh4): the same three sub-indices
-- and formulas, bounds = min and max observed in the region, but health from the OR2S all-cause ICM
-- by canton and older census and income vintages, not published with the figures. Differences that
-- remain, and why: see `difference_explained`.
with ours as (
    select territory_level, territory_code, vintage, bounds_method, idh4, health_index, education_index, income_index
    from {{ ref('idh4') }}
)
select
    p.territory_level,
    cast(p.territory_code as varchar) as territory_code,
    p.territory_name,
    p.idh4_min as plan_idh4_min,
    p.idh4_max as plan_idh4_max,
    o.idh4 as idh4_t_observed_bounds,
    f.idh4 as idh4_t_fixed_bounds,
    o1.idh4 as idh4_t1_observed_bounds,
    case when o.idh4 between p.idh4_min - 0.02 and p.idh4_max + 0.02 then 'proche' else 'écart' end as comparison,
    'Même formule (santé, éducation, niveau de vie ; bornes min-max des Hauts-de-France). Différences : santé = '
    || 'notre ICM 2016-2021 par pseudo-canton (décès INSEE, taux de référence HMD, population RP2022 x 6 ans) au lieu '
    || 'de l''ICM de l''OR2S par canton ; éducation RP2023 (RP2017 en T-1) ; revenus Filosofi 2021 (2019 en T-1) ; '
    || 'agrégats EPCI et région = moyenne des indices communaux pondérée par la population RP2022. Les bornes '
    || 'publiées par la Région ne sont pas dans les sources consultées : nos bornes sont recalculées.' as difference_explained,
    p.quote as plan_quote
from {{ ref('idh4_plan_figures') }} p
left join ours o on o.territory_level = p.territory_level and o.territory_code = p.territory_code and o.vintage = 2021 and o.bounds_method = 'observed'
left join ours f on f.territory_level = p.territory_level and f.territory_code = p.territory_code and f.vintage = 2021 and f.bounds_method = 'fixed'
left join ours o1 on o1.territory_level = p.territory_level and o1.territory_code = p.territory_code and o1.vintage = 2019 and o1.bounds_method = 'observed'
-- the plan speaks of La Porte du Hainaut: for a run without it only the region's figure applies
where p.territory_level = 'region' or {{ in_territories('cast(p.territory_code as varchar)') }}
   or cast(p.territory_code as varchar) in (select commune_code from {{ ref('int_territory_communes') }})

-- The Projet de Territoire's targets (var plan_territory's: they apply to that EPCI only), in the
-- indicator's own unit: a "-80 % vs now" target becomes
-- baseline x (1 - 0.80); a "% of the 2011-2020 consumption" target (zéro artificialisation nette)
-- becomes that share of the EPCI's land take 2011-2020 (10 x its yearly mean); other targets are
-- already absolute. No baseline, no absolute value.
with land_2011_2020 as (
    select 10 * value as hectares from {{ ref('int_indicator_values_aggregate') }}
    where territory_level = 'epci' and territory_code = '{{ var("plan_territory") }}'
      and indicator_id = 'conso_espaces_naf_moyenne_periode' and year = 2020
)
select
    '{{ var("plan_territory") }}' as epci_siren,
    t.*,
    case when t.target_unit like '% par rapport à%' then
             case when t.baseline_value is not null then t.baseline_value * (1 + t.target_value / 100) end
         when t.target_unit = '% de la consommation 2011-2020' then t.target_value / 100 * (select hectares from land_2011_2020)
         else t.target_value end as target_value_absolute
from {{ ref('targets') }} t

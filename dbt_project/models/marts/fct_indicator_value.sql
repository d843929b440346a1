-- Every indicator value, long format, for the communes of the run's EPCIs, those EPCIs and the
-- comparison territories (the union is int_indicator_values, which the comparisons read too), keyed
-- by the EPCI each row belongs to.
select
    v.territory_level,
    v.territory_code,
    case v.territory_level when 'commune' then tc.epci_siren when 'epci' then v.territory_code end as epci_siren,
    v.* exclude (territory_level, territory_code)
from {{ ref('int_indicator_values') }} v
left join {{ ref('int_territory_communes') }} tc on v.territory_level = 'commune' and tc.commune_code = v.territory_code

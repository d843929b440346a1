-- Engagement 3, "accompagner les conversions et la résilience": employment and enterprise
-- dynamics for each commune, each EPCI of the run, the départements and the region (one row per territory).
{% set measures = [
    ('emplois_au_lieu_de_travail_2022', 'emplois_au_lieu_de_travail', 2022),
    ('emplois_au_lieu_de_travail_2016', 'emplois_au_lieu_de_travail', 2016),
    ('concentration_emploi_2022', 'concentration_emploi', 2022),
    ('taux_activite_15_64_2022', 'taux_activite_15_64', 2022),
    ('taux_chomage_15_64_2022', 'taux_chomage_15_64', 2022),
    ('taux_chomage_15_24_2022', 'taux_chomage_15_24', 2022),
    ('creations_entreprises_1000_hab_2022', 'creations_entreprises_1000_hab', 2022),
    ('creations_entreprises_1000_hab_2023', 'creations_entreprises_1000_hab', 2023),
    ('creations_entreprises_1000_hab_2024', 'creations_entreprises_1000_hab', 2024),
    ('creations_entreprises_1000_hab_2025', 'creations_entreprises_1000_hab', 2025),
    ('etablissements_actifs_1000_hab_2024', 'etablissements_actifs_1000_hab', 2024),
] %}
with f as (
    select * from {{ ref('fct_indicator_value') }}
    where territory_level in ('commune', 'epci', 'departement', 'region') and basis in ('observed', 'computed')
),
wide as (
    select
        territory_level,
        territory_code,
        any_value(epci_siren) as epci_siren,
        {% for col, ind, year in measures %}
        max(value) filter (where indicator_id = '{{ ind }}' and year = {{ year }}) as {{ col }}{{ "," if not loop.last }}
        {% endfor %}
    from f
    group by territory_level, territory_code
)
select
    w.territory_level,
    w.territory_code,
    w.epci_siren,
    coalesce(d.commune_name, case w.territory_level when 'epci' then 'EPCI ' || w.territory_code
             when 'departement' then 'Département ' || w.territory_code else 'Région ' || w.territory_code end) as territory_name,
    {% for col, ind, year in measures %}w.{{ col }},
    {% endfor %}
    (power(w.emplois_au_lieu_de_travail_2022 / nullif(w.emplois_au_lieu_de_travail_2016, 0), 1.0 / 6) - 1) * 100
        as emplois_au_lieu_de_travail__annual_change_2016_2022,
    case when w.territory_level = 'commune'
         then rank() over (partition by w.territory_level, w.epci_siren order by w.concentration_emploi_2022 desc nulls last) end
         as concentration_emploi_2022__rank
from wide w
left join {{ ref('dim_commune') }} d on w.territory_level = 'commune' and d.commune_code = w.territory_code

-- Observed and expected deaths 2016-2021 by commune (all Hauts-de-France): the inputs of the
-- all-cause comparative mortality index (ICM). Expected = RP2022 population by census age group x
-- French reference rates x 6 years (indirect standardisation). Any territory's ICM is the ratio of
-- its summed observed and expected deaths (pseudo-canton, EPCI, département, region).
with ages as (
    {% for g in ['POP0014','POP1529','POP3044','POP4559','POP6074','POP7589','POP90P'] %}
    select commune_code, '{{ g }}' as census_age_group, p22_{{ g | lower }} as population
    from {{ ref('stg_insee__dossier_complet_2025') }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),
expected as (
    select a.commune_code, sum(a.population * r.reference_rate * 6) as expected_deaths
    from ages a join {{ ref('int_icm_reference_rates') }} r using (census_age_group)
    group by a.commune_code
),
communes as (
    select c.commune_code, g.pseudo_canton_code, c.dece1621 as observed_deaths, e.expected_deaths
    from {{ ref('stg_insee__comparateur_2025') }} c
    join expected e using (commune_code)
    left join {{ ref('stg_geo__communes_2022') }} g using (commune_code)
    where not c.is_merged_row
)
select * from communes

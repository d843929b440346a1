-- All-cause comparative mortality index (ICM) by pseudo-canton (CV of the 2022 geography), for
-- every Hauts-de-France pseudo-canton: observed deaths 2016-2021 over the deaths expected if the
-- French reference rates applied to the local age structure, x 100 (indirect standardisation).
-- Exposure: RP2022 population by census age group x 6 years (no commune age structure exists
-- for the middle of the period in the snapshot). Communes absent from the 2022 geography (created
-- after it) have no pseudo-canton and are left out, counted in communes_without_cv.
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
select
    pseudo_canton_code,
    count(*) as communes,
    sum(observed_deaths) as observed_deaths,
    sum(expected_deaths) as expected_deaths,
    100 * sum(observed_deaths) / sum(expected_deaths) as icm,
    (select count(*) from communes where pseudo_canton_code is null) as communes_without_cv
from communes
where pseudo_canton_code is not null
group by pseudo_canton_code

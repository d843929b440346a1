-- Engagement 1, "rattraper les retards de développement": one row per commune of the run's EPCIs,
-- with each E1 indicator at its latest vintage, its gap to its EPCI, its département, Hauts-de-France
-- and France (same year only; NULL where no comparable value exists), its rank within its EPCI
-- (1 = most favourable given the indicator's polarity) and the catch-up need score.
{% set indicators = ['taux_chomage_15_64', 'taux_chomage_15_24', 'taux_activite_15_64', 'niveau_vie_median',
                     'taux_pauvrete', 'part_familles_monoparentales', 'part_logements_vacants',
                     'part_75_ans_plus', 'equipements_proximite_10000_hab'] %}
with cmp as (
    select c.*, cast(cat.polarity as integer) as polarity
    from {{ ref('int_indicator_comparisons') }} c
    join {{ ref('indicator_catalogue') }} cat using (indicator_id)
),
ranked as (
    select *,
           -- a small-numbers value is not ranked as if it were solid
           case when polarity != 0 and value is not null and quality_flag != 'small_numbers'
                then rank() over (partition by epci_siren, indicator_id, (polarity != 0 and value is not null and quality_flag != 'small_numbers')
                                  order by value * polarity desc nulls last) end as rank_in_epci
    from cmp
),
wide as (
select
    d.commune_code,
    d.epci_siren,
    d.commune_name,
    d.population_2022,
    {% for ind in indicators %}
    max(r.value) filter (where r.indicator_id = '{{ ind }}') as {{ ind }},
    max(r.value - r.epci_value) filter (where r.indicator_id = '{{ ind }}') as {{ ind }}__gap_epci,
    max(r.value - r.departement_value) filter (where r.indicator_id = '{{ ind }}') as {{ ind }}__gap_departement,
    max(r.value - r.region_value) filter (where r.indicator_id = '{{ ind }}') as {{ ind }}__gap_region,
    max(r.value - r.france_value) filter (where r.indicator_id = '{{ ind }}') as {{ ind }}__gap_france,
    max(r.rank_in_epci) filter (where r.indicator_id = '{{ ind }}') as {{ ind }}__rank,
    {% endfor %}
    any_value(s.catch_up_score) as catch_up_need_score,
    any_value(s.score_indicator_count) as catch_up_need_indicators
from {{ ref('dim_commune') }} d
left join ranked r using (commune_code, epci_siren)
left join {{ ref('int_catch_up_need') }} s using (commune_code)
group by d.commune_code, d.epci_siren, d.commune_name, d.population_2022
)
select *, rank() over (partition by epci_siren order by catch_up_need_score desc nulls last) as catch_up_need_rank
from wide

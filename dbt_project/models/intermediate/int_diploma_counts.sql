-- Population aged 15+ out of school, and those with no diploma or at most the CEP (EDUC
-- 001T100_RP), by census year, for every commune of the region, its départements and France
-- (Melodi DS_RP_DIPLOMES_PRINC). The total is EDUC '_T' when the file has it (live mode), else the
-- sum of the seven levels (the embedded extract, PROVENANCE §22-§23).
with levels as (
    select 'commune' as territory_level, commune_code as territory_code, year, educ, population
    from {{ ref('stg_insee__diplomas') }}
    union all
    select territory_level, territory_code, year, educ, population
    from {{ ref('stg_insee__diplomas_totals') }}
)
select
    territory_level,
    territory_code,
    year,
    coalesce(max(population) filter (where educ = '_T'),
             sum(population) filter (where educ in ('001T100_RP', '200_RP', '300_RP', '350T351_RP', '500_RP', '600_RP', '700_RP'))) as total,
    max(population) filter (where educ = '001T100_RP') as no_diploma_or_cep
from levels
group by all

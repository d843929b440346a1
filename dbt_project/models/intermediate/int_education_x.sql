-- The IDH-4 education input x by commune and census: % of the non-schooled aged 15+ holding a
-- diploma above the CEP (100 - share with no diploma or at most the CEP, EDUC 001T100_RP), for
-- every commune of the region, RP2023 (T) and RP2017 (T-1), from Melodi DS_RP_DIPLOMES_PRINC.
-- The denominator is EDUC '_T' when the file has it, else the sum of the seven levels.
with d as (
    select commune_code, year,
           coalesce(max(population) filter (where educ = '_T'),
                    sum(population) filter (where educ in ('001T100_RP', '200_RP', '300_RP', '350T351_RP', '500_RP', '600_RP', '700_RP'))) as total,
           max(population) filter (where educ = '001T100_RP') as no_diploma_or_cep
    from {{ ref('stg_insee__diplomas') }}
    group by all
)
select commune_code, year, 'RP' || year as education_vintage, 100 - 100 * no_diploma_or_cep / total as education_x
from d
where total > 0

-- The IDH-4 education input x by commune and census: % of the non-schooled aged 15+ holding a
-- diploma above the CEP (100 - share with no diploma or at most the CEP, EDUC 001T100_RP), for
-- every commune of the region, RP2023 (T) and RP2017 (T-1), from Melodi DS_RP_DIPLOMES_PRINC.
select territory_code as commune_code, year, 'RP' || year as education_vintage,
       100 - 100 * no_diploma_or_cep / total as education_x
from {{ ref('int_diploma_counts') }}
where territory_level = 'commune' and total > 0

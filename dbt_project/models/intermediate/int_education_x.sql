-- The IDH-4 education input x by commune: % of the non-schooled aged 15+ holding a diploma above
-- the CEP. One vintage for all units (the bounds must come from one vintage): Melodi's latest
-- census when live mode brought it (every commune), else the embedded RP2018 file (communes of
-- 2,000+ inhabitants only). EDUC 001T100_RP = no diploma or at most the CEP (INSEE's DIPLMIN).
with melodi_levels as (
    select * from {{ ref('stg_insee__diplomas_melodi') }}
    where educ in ('001T100_RP', '200_RP', '300_RP', '350T351_RP', '500_RP', '600_RP', '700_RP')
      -- where an age total exists, use it alone; otherwise the age bands add up
      and (age is null or age = '_T' or not exists (select 1 from {{ ref('stg_insee__diplomas_melodi') }} where age = '_T'))
),
melodi as (
    select commune_code, 'RP' || max(year) as education_vintage,
           100 - 100 * sum(population) filter (where educ = '001T100_RP') / sum(population) as education_x
    from melodi_levels group by commune_code
    having sum(population) > 0
),
rp2018 as (
    select commune_code, 'RP2018' as education_vintage, 100 - part_dipl_aucun_ou_cep as education_x
    from {{ ref('stg_insee__diplomas_rp2018') }}
)
select * from melodi
union all
select * from rp2018 where not exists (select 1 from melodi)

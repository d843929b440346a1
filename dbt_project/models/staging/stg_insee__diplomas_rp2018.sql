-- RP2018 diplomas of the non-schooled population aged 15+, communes of 2,000+ inhabitants only.
-- pop_dipl_aucun is very probably INSEE's P18_NSCOL15P_DIPLMIN (no diploma or at most the CEP).
select
    code_insee as commune_code,
    cast(pop_tot as double) as population_2018,
    cast(pop_non_scol_15p as double) as pop_non_scol_15p,
    cast(pop_dipl_aucun as double) as pop_dipl_aucun_ou_cep,
    cast(dipl_aucun as double) as part_dipl_aucun_ou_cep
from {{ source('raw', 'insee_diplomas_rp2018') }}

-- INSEE comparateur, édition janvier 2022: RP2018 (P18), RP2013 (P13), état civil 2013-2018, Filosofi 2019, établissements 2018. Secret cells are empty in this edition.
-- Numbers are typed here; INSEE secret markers become NULL with an is_secret flag, never 0.
select
    CODGEO as commune_code,
    left(CODGEO, 2) as departement_code,
    {{ insee_number('P18_POP') }} as p18_pop,
    {{ insee_number('P13_POP') }} as p13_pop,
    {{ insee_number('SUPERF') }} as superf,
    {{ insee_number('NAIS1318') }} as nais1318,
    {{ insee_number('DECE1318') }} as dece1318,
    {{ insee_number('P18_MEN') }} as p18_men,
    {{ insee_number('P18_LOG') }} as p18_log,
    {{ insee_number('P18_RP') }} as p18_rp,
    {{ insee_number('P18_RSECOCC') }} as p18_rsecocc,
    {{ insee_number('P18_LOGVAC') }} as p18_logvac,
    {{ insee_number('P18_RP_PROP') }} as p18_rp_prop,
    {{ insee_number('NBMENFISC19') }} as nbmenfisc19,
    {{ insee_number('PIMP19') }} as pimp19,
    {{ insee_number('MED19') }} as med19,
    {{ insee_number('TP6019') }} as tp6019,
    {{ insee_number('P18_EMPLT') }} as p18_emplt,
    {{ insee_number('P18_EMPLT_SAL') }} as p18_emplt_sal,
    {{ insee_number('P13_EMPLT') }} as p13_emplt,
    {{ insee_number('P18_POP1564') }} as p18_pop1564,
    {{ insee_number('P18_CHOM1564') }} as p18_chom1564,
    {{ insee_number('P18_ACT1564') }} as p18_act1564,
    {{ insee_number('ETTOT18') }} as ettot18,
    {{ insee_is_secret('MED19') }} or (MED19 is null or trim(MED19) = '') as med19_is_missing,
    {{ insee_is_secret('TP6019') }} or (TP6019 is null or trim(TP6019) = '') as tp6019_is_missing,
    -- Merged communes keep a row with every census cell empty; their people are counted in the absorbing commune.
    P18_POP is null or trim(P18_POP) = '' as is_merged_row
from {{ source('insee', 'comparateur_2021') }}

-- INSEE Filosofi 2021: income, poverty and deciles by commune.
-- Numbers are typed here; INSEE secret markers become NULL with an is_secret flag, never 0.
select
    CODGEO as commune_code,
    left(CODGEO, 2) as departement_code,
    {{ insee_number('NBMENFISC21') }} as nbmenfisc21,
    {{ insee_number('NBPERSMENFISC21') }} as nbpersmenfisc21,
    {{ insee_number('MED21') }} as med21,
    {{ insee_number('PIMP21') }} as pimp21,
    {{ insee_number('TP6021') }} as tp6021,
    {{ insee_number('D121') }} as d121,
    {{ insee_number('D921') }} as d921,
    {{ insee_number('RD21') }} as rd21,
    {{ insee_is_secret('MED21') }} or (MED21 is null or trim(MED21) = '') as med21_is_missing,
    {{ insee_is_secret('TP6021') }} or (TP6021 is null or trim(TP6021) = '') as tp6021_is_missing,
    {{ insee_is_secret('RD21') }} or (RD21 is null or trim(RD21) = '') as rd21_is_missing
from {{ source('insee', 'filosofi_2021') }}

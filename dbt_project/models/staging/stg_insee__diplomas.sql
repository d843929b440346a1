-- Melodi DS_RP_DIPLOMES_PRINC for every commune of the region (RP2017 and RP2023; live mode: the
-- file service's latest product): non-schooled population aged 15+ by highest diploma (EDUC),
-- both sexes. Merged communes (OBS_STATUS K in the producer's file) carry no value: NULL, not 0.
select
    GEO as commune_code,
    cast(TIME_PERIOD as integer) as year,
    "EDUC" as educ,
    {{ insee_number('OBS_VALUE') }} as population
from {{ source('insee', 'diplomas_melodi') }}
where GEO_OBJECT = 'COM' and SEX = '_T' and AGE = 'Y_GE15'

-- Melodi DS_RP_DIPLOMES_PRINC, long format: non-schooled population aged 15+ by diploma level
-- (EDUC). Empty offline: the snapshot has no copy of it.
select
    GEO as commune_code,
    cast(TIME_PERIOD as integer) as year,
    EDUC as educ,
    nullif(AGE, '') as age,
    {{ insee_number('OBS_VALUE') }} as population
from {{ source('raw', 'insee_diplomas_melodi') }}

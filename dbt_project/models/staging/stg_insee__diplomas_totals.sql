-- The same diploma counts for the region's five départements and France (PROVENANCE §23).
select
    GEO as territory_code,
    case GEO_OBJECT when 'DEP' then 'departement' when 'FRANCE' then 'france' end as territory_level,
    cast(TIME_PERIOD as integer) as year,
    "EDUC" as educ,
    {{ insee_number('OBS_VALUE') }} as population
from {{ source('insee', 'diplomas_totals') }}
where SEX = '_T' and AGE = 'Y_GE15'

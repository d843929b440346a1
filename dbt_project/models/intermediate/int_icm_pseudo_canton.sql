-- All-cause comparative mortality index (ICM) by pseudo-canton (CV of the 2022 geography), for
-- every Hauts-de-France pseudo-canton: observed deaths 2016-2021 over the deaths expected if the
-- French reference rates applied to the local age structure, x 100 (indirect standardisation).
-- Exposure: RP2022 population by census age group x 6 years (no commune age structure exists
-- for the middle of the period in the snapshot). Communes absent from the 2022 geography (created
-- after it) have no pseudo-canton and are left out, counted in communes_without_cv.
with communes as (select * from {{ ref('int_icm_commune') }})
select
    pseudo_canton_code,
    count(*) as communes,
    sum(observed_deaths) as observed_deaths,
    sum(expected_deaths) as expected_deaths,
    100 * sum(observed_deaths) / sum(expected_deaths) as icm,
    (select count(*) from communes where pseudo_canton_code is null) as communes_without_cv
from communes
where pseudo_canton_code is not null
group by pseudo_canton_code

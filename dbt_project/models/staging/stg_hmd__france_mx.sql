-- Human Mortality Database, France total population: central death rate m(x) by single age.
select
    cast(year as integer) as year,
    cast(age as integer) as age,
    sex,
    cast(value as double) as mx
from {{ source('hmd', 'france_mx') }}

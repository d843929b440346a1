-- INSEE population estimates on 1 January by five-year age group, long format.
{% set groups = ['0_4','5_9','10_14','15_19','20_24','25_29','30_34','35_39','40_44','45_49','50_54','55_59',
                 '60_64','65_69','70_74','75_79','80_84','85_89','90_94','95P'] %}
{% for g in groups %}
select
    cast(year as integer) as year,
    geo_code,
    sex,
    '{{ g }}' as age_group_5y,
    {{ g.split('_')[0].replace('P', '') }} as age_from,
    {{ g.split('_')[1] if '_' in g else 110 }} as age_to,
    cast(pop_{{ g }} as double) as population
from {{ source('insee', 'pop_age_france') }}
{% if not loop.last %}union all{% endif %}
{% endfor %}

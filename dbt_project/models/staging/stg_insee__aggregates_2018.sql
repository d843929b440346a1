-- Sums of the January-2022 comparateur (RP2018) over every commune of each territory, computed
-- by the snapshot's extractor (PROVENANCE §9). Used for France, where the snapshot has no commune rows.
select
    case level when 'EPCI' then 'epci' when 'DEP' then 'departement' when 'REG' then 'region'
               when 'FRANCE' then 'france' when 'FRMETRO' then 'france_metro' end as territory_level,
    code as territory_code,
    label as territory_label,
    cast(n_communes as integer) as n_communes,
    {% for c in ['P18_POP','P13_POP','NAIS1318','DECE1318','P18_LOG','P18_RP','P18_LOGVAC','P18_RP_PROP','P18_EMPLT','P13_EMPLT','P18_POP1564','P18_CHOM1564','P18_ACT1564','ETTOT18'] -%}
    try_cast({{ c }} as double) as {{ c | lower }}{{ "," if not loop.last }}
    {% endfor %}
from {{ source('insee', 'aggregates_2018') }}

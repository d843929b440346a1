-- Agence ORE yearly electricity and gas consumption by commune (MWh), one column per sector.
-- An empty sector cell stays NULL (a gap, flagged downstream), never 0. Empty offline: the
-- snapshot has no ORE file.
select
    cast(annee as integer) as year,
    filiere,
    code_commune as commune_code,
    {% for s, name in [('a', 'agriculture'), ('i', 'industrie'), ('r', 'residentiel'), ('t', 'tertiaire'), ('na', 'non_affecte')] %}
    {{ insee_number('conso' ~ s) }} as conso_{{ name }}_mwh,
    {% endfor %}
    {{ insee_number('consototale') }} as conso_totale_mwh
from {{ source('raw', 'ore_conso_commune') }}

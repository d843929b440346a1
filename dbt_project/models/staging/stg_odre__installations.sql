-- ODRÉ register of electricity production installations (kW, kWh). Empty offline: not in the
-- snapshot. The energies are rolling 12-month totals at extraction; the year before the
-- extraction date is used as their year.
select
    codeinseecommune as commune_code,
    filiere,
    technologie,
    regime,
    {{ insee_number('nbinstallations') }} as installations,
    {{ insee_number('puismaxinstallee') }} as capacity_kw,
    {{ insee_number('energieannuelleglissanteproduite') }} as production_kwh,
    filiere in ('Solaire', 'Eolien', 'Éolien', 'Hydraulique', 'Bioénergies', 'Energies Marines', 'Géothermie') as is_renewable,
    cast(year(cast(_landed_at as timestamp)) - 1 as integer) as year
from {{ source('raw', 'odre_installations') }}

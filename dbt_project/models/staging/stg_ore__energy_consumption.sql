-- Agence ORE: electricity and gas consumption 2024, residential and all sectors (MWh) (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('ore', 'energy_consumption') }}

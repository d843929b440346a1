-- ODRÉ register: installations, kW and MWh injected by commune and filière (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('odre', 'electricity_production') }}

-- DREES: accessibility to general practitioners (APL), 2022-2024 (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('drees', 'apl') }}

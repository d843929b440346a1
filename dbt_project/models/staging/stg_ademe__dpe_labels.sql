-- ADEME: housing DPE by label since July 2021 (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('ademe', 'dpe_labels') }}

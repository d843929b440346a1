-- CNAF: childcare coverage for under-3s, 2023 (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('cnaf', 'childcare_coverage') }}

-- SSMSI: recorded offences by commune, 2016-2025 (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('ssmsi', 'offences') }}

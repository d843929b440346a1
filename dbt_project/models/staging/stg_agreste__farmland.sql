-- Agreste RA 2020: utilised agricultural area by seat commune (ha) (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('agreste', 'farmland') }}

-- Cerema: consumption of natural, agricultural and forest land, 2011-2024 (ha) (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('cerema', 'land_take') }}

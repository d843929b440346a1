-- EV charging points and car-pool places by commune (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('transport', 'irve_carpool') }}

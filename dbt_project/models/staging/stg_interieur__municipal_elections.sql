-- Ministère de l'Intérieur: municipal elections of March 2026 (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('interieur', 'municipal_elections_2026') }}

-- INSEE RP2023: activity of the 15-64 (and RP2012), place of work and commuting mode of employed residents (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('insee', 'activity_commuting_rp2023') }}

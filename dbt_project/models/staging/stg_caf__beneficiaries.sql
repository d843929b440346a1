-- CAF: beneficiary households by benefit, December 2020-2024 (long layout: geo_level, geo_code, variable, year, value, unit).
{{ tidy_staging('caf', 'beneficiaries') }}

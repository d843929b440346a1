"""Data-quality gates: great-expectations suites on raw tables (dbt tests cover the models)."""

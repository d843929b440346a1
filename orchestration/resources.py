"""Shared names for resources and the DuckDB concurrency pool."""

# Every step that writes the DuckDB file (raw loads, gates, dbt, exports) sits in this pool; the
# instance's dagster.yaml limits it to 1, because DuckDB allows a single writer per file.
DUCKDB_POOL = "duckdb"

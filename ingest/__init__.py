"""Ingestion: land each source as immutable raw files with a manifest, then load raw_* tables."""

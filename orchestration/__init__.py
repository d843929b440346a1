"""Dagster orchestration of the barometer: one Definitions in orchestration.definitions."""

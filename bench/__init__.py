"""Benchmarks that print figures (never timed tests): `uv run python -m bench.<name>`."""

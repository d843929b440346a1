"""The persistent Dagster instance under $BAROMETRE_HOME/dagster, shared by the CLI and the UI."""

from __future__ import annotations

import os
from pathlib import Path

from ingest import settings

DAGSTER_YAML = """# Written by the barometre CLI. Runs launched from the CLI and the UI share this instance.
concurrency:
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def ensure_dagster_home() -> Path:
    """Create DAGSTER_HOME (default $BAROMETRE_HOME/dagster) with a dagster.yaml that limits every pool
    (the DuckDB writers' included) to one step at a time. Dagster finds its instance through this one
    variable, so the CLI sets it for itself and for the UI it starts."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home())))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return home

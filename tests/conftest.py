"""Shared fixtures: one real pipeline run (real DuckDB file, real dbt, real GX) per test session."""

import os
import shutil
from pathlib import Path

import pytest

from ingest import settings

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def deliver_examples(home: Path) -> None:
    """Drop the template's filled example (roadmap, budget, decisions) in the home's inbox, as a service would."""
    from ingest.roadmap_templates import TEMPLATES

    inbox = home / "inbox" / "roadmaps"
    inbox.mkdir(parents=True, exist_ok=True)
    for name in ("exemple_feuille_de_route.xlsx", "exemple_budget.xlsx", "exemple_deliberations_csv"):
        source = TEMPLATES / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, inbox / name)


@pytest.fixture(scope="session")
def pipeline_home(tmp_path_factory) -> Path:
    """A BAROMETRE_HOME where the refresh job has run once, successfully, on the embedded snapshot."""
    home = tmp_path_factory.mktemp("barometre_home")
    os.environ["BAROMETRE_HOME"] = str(home)
    os.environ.pop("DAGSTER_HOME", None)
    os.environ.pop("BAROMETRE_SNAPSHOT_DIR", None)
    os.environ.pop("BAROMETRE_TERRITORY", None)  # La Porte du Hainaut alone
    os.environ["BAROMETRE_SOURCE"] = "embedded"
    from orchestration.cli import execute_job, summarise
    from orchestration.instance import ensure_dagster_home

    deliver_examples(home)

    ensure_dagster_home()
    result = execute_job("refresh")
    ok, lines = summarise(result)
    assert ok, "\n".join(lines)
    return home


@pytest.fixture
def snapshot_copy(tmp_path) -> Path:
    """A writable copy of the embedded snapshot, to corrupt one file of it."""
    target = tmp_path / "delivery"
    shutil.copytree(settings.EMBEDDED_DIR, target)
    for f in target.iterdir():
        f.chmod(0o644)
    return target

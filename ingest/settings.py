"""Runtime settings, read from the environment at call time (never at import time).

| variable | default | meaning |
|---|---|---|
| BAROMETRE_HOME | ./var | runtime folder: raw/, warehouse.duckdb, exports/, published/, dagster/ |
| BAROMETRE_TERRITORY | 200042190 | SIREN of the EPCI the barometer describes |
| BAROMETRE_SOURCE | embedded | embedded snapshot or live public endpoints |
| BAROMETRE_SNAPSHOT_DIR | (shipped snapshot) | a delivery in the embedded format to try instead |
| BAROMETRE_CYCLE_ANCHOR | 2024 | first triennial cycle (the plan took effect in 2024) |
| BAROMETRE_CYCLE | latest cycle year <= this year | the cycle the barometer describes |
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

DEFAULT_TERRITORY = "200042190"  # CA de la Porte du Hainaut
EMBEDDED_DIR = Path(__file__).resolve().parent / "embedded"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def home() -> Path:
    return Path(os.environ.get("BAROMETRE_HOME", PROJECT_ROOT / "var")).resolve()


def territory() -> str:
    siren = os.environ.get("BAROMETRE_TERRITORY", DEFAULT_TERRITORY).strip()
    if not (siren.isdigit() and len(siren) == 9):
        raise ValueError(f"BAROMETRE_TERRITORY must be an EPCI SIREN of 9 digits, got {siren!r}")
    return siren


def source_mode() -> str:
    mode = os.environ.get("BAROMETRE_SOURCE", "embedded")
    if mode not in ("embedded", "live"):
        raise ValueError(f"BAROMETRE_SOURCE must be 'embedded' or 'live', got {mode!r}")
    return mode


def snapshot_dir() -> Path:
    custom = os.environ.get("BAROMETRE_SNAPSHOT_DIR")
    return Path(custom).resolve() if custom else EMBEDDED_DIR


def cycle_anchor() -> int:
    return int(os.environ.get("BAROMETRE_CYCLE_ANCHOR", "2024"))


def is_cycle_year(year: int) -> bool:
    return year >= cycle_anchor() and (year - cycle_anchor()) % 3 == 0


def cycle() -> int:
    """The cycle to describe: BAROMETRE_CYCLE, else the latest cycle year not after this year."""
    if os.environ.get("BAROMETRE_CYCLE"):
        value = int(os.environ["BAROMETRE_CYCLE"])
        if not is_cycle_year(value):
            raise ValueError(f"{value} is not a cycle year (cycles are {cycle_anchor()}, {cycle_anchor() + 3}, ...)")
        return value
    year = max(date.today().year, cycle_anchor())
    return year - (year - cycle_anchor()) % 3


def published_dir() -> Path:
    return home() / "published"


def warehouse_path() -> Path:
    return home() / "warehouse.duckdb"


def raw_dir() -> Path:
    return home() / "raw"


def exports_dir() -> Path:
    return home() / "exports"


def dagster_home() -> Path:
    return home() / "dagster"


def export_env() -> dict[str, str]:
    """Put the resolved paths in os.environ so dbt subprocesses and Dagster agree on them."""
    values = {
        "BAROMETRE_HOME": str(home()),
        "BAROMETRE_DUCKDB_PATH": str(warehouse_path()),
        "BAROMETRE_TERRITORY": territory(),
        "BAROMETRE_CYCLE": str(cycle()),
        "DAGSTER_HOME": os.environ.get("DAGSTER_HOME") or str(dagster_home()),
    }
    os.environ.update(values)
    return values

"""Runtime settings: a run's own configuration first, then the deployment's environment.

A run's territory, source, snapshot, cycle and revision are the run configuration of the `barometre`
resource (orchestration/run_settings.py: the UI's launchpad, the schedules, the CLI's flags), applied
here for the run's duration with `apply()`. The environment variables below are the deployment's
defaults for what a run leaves unset; they are read at call time, never at import time.

| variable | default | meaning |
|---|---|---|
| BAROMETRE_HOME | ./var | runtime folder: raw/, warehouse.duckdb, exports/, published/, dagster/ |
| BAROMETRE_TERRITORY | 200042190 | the EPCIs the marts cover: a SIREN, SIRENs separated by commas, or `all`; the barometer publishes the first (La Porte du Hainaut for `all`) |
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
ALL = "all"  # every EPCI of the geography table
EMBEDDED_DIR = Path(__file__).resolve().parent / "embedded"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


_run: dict[str, object] = {}  # the running job's `barometre` resource configuration (set by apply())


def apply(values: dict[str, object]) -> dict[str, object]:
    """Make a run's configuration the settings (unset fields keep the defaults); return the previous
    configuration, to restore after the run. Validates first, with the messages the CLI prints."""
    global _run
    previous, _run = _run, {k: v for k, v in values.items() if v not in (None, "")}
    try:
        for siren in [] if territories() == ALL else territories():
            check_territory(siren)
        source_mode(), cycle()
    except ValueError:
        _run = previous
        raise
    return previous


def check_territory(siren: str) -> None:
    """Refuse an EPCI the geography does not know before anything is landed or marked."""
    import csv
    import difflib

    with open(EMBEDDED_DIR / "appartenance_geo_2022_communes_hdf.csv", encoding="utf-8") as f:
        known = sorted({row["EPCI"] for row in csv.DictReader(f)} - {"ZZZZZZZZZ"})
    if siren not in known:
        close = difflib.get_close_matches(siren, known, n=3, cutoff=0.6)
        hint = f": did you mean {', '.join(close)}?" if close else f" ({len(known)} EPCIs are known)."
        raise ValueError(f"EPCI {siren} is not in the geography table (Hauts-de-France, 2022){hint}")


def home() -> Path:
    return Path(os.environ.get("BAROMETRE_HOME", PROJECT_ROOT / "var")).resolve()


def territories() -> list[str] | str:
    """The EPCIs the run's marts cover: SIRENs in the order given (duplicates dropped), or ALL."""
    text = str(_run.get("territory") or os.environ.get("BAROMETRE_TERRITORY", DEFAULT_TERRITORY)).strip()
    if text.lower() == ALL:
        return ALL
    sirens = list(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    bad = [s for s in sirens if not (s.isdigit() and len(s) == 9)]
    if bad or not sirens:
        raise ValueError(f"the territory must be an EPCI SIREN of 9 digits, SIRENs separated by commas, or 'all'; "
                         f"got {text!r}")
    return sirens


def territory() -> str:
    """The EPCI the barometer publishes and the report describes: the first of the territories, or
    La Porte du Hainaut (whose plan the barometer serves) when they are all."""
    scope = territories()
    return DEFAULT_TERRITORY if scope == ALL else scope[0]


def covers(siren: str) -> bool:
    """Whether the run's marts cover this EPCI."""
    scope = territories()
    return scope == ALL or siren in scope


def territory_label() -> str:
    """The territories as a run configuration gives them back: 'all' or SIRENs joined by commas."""
    scope = territories()
    return scope if scope == ALL else ",".join(scope)


def source_mode() -> str:
    mode = _run.get("source") or os.environ.get("BAROMETRE_SOURCE", "embedded")
    if mode not in ("embedded", "live"):
        raise ValueError(f"BAROMETRE_SOURCE must be 'embedded' or 'live', got {mode!r}")
    return mode


def snapshot_dir() -> Path:
    custom = _run.get("snapshot_dir") or os.environ.get("BAROMETRE_SNAPSHOT_DIR")
    return Path(custom).resolve() if custom else EMBEDDED_DIR


def cycle_anchor() -> int:
    return int(os.environ.get("BAROMETRE_CYCLE_ANCHOR", "2024"))


def is_cycle_year(year: int) -> bool:
    return year >= cycle_anchor() and (year - cycle_anchor()) % 3 == 0


def cycle() -> int:
    """The cycle to describe: the run's, else BAROMETRE_CYCLE, else the latest cycle year not after this year."""
    chosen = _run.get("cycle") or os.environ.get("BAROMETRE_CYCLE")
    if chosen:
        value = int(chosen)
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


def new_revision() -> bool:
    """Publish a cycle that is already published as a new revision (<cycle>-rN)."""
    return bool(_run.get("new_revision"))


def force_future() -> bool:
    return bool(_run.get("force_future"))


def dbt_vars() -> dict[str, object]:
    """What dbt receives as --vars (the profile's warehouse path included): no environment involved."""
    return {"territories": territories(), "territory_siren": territory(), "cycle": str(cycle()),
            "duckdb_path": str(warehouse_path())}


def run_tags() -> dict[str, str]:
    """The tags that say what a run described and read, listed in its summary and in the UI."""
    snapshot = snapshot_dir()
    return {"barometre/territory": territory_label(), "barometre/source": source_mode(), "barometre/cycle": str(cycle()),
            "barometre/snapshot": "shipped" if snapshot == EMBEDDED_DIR else str(snapshot)}

"""Is the last refresh still up to date? Then a run has nothing to do.

A refresh's result depends only on the code (ingest, quality, orchestration, dbt project), the
settings (BAROMETRE_* variables), the input files' bytes (the snapshot and the services' inbox)
and the barometers published before the current cycle (T-1). Their sha256 is recorded when a run
succeeds; a later run whose fingerprint is the same skips every asset and says so. Live mode never
skips: only a fetch tells whether a source changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ingest import settings

CODE = ("ingest", "quality", "orchestration", "dbt_project/models", "dbt_project/macros", "dbt_project/seeds",
        "dbt_project/dbt_project.yml", "dbt_project/profiles.yml")
CODE_SUFFIXES = {".py", ".sql", ".yml", ".csv", ".md", ".geojson"}


def _files(root: Path, suffixes: set[str] | None = None) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and (suffixes is None or p.suffix in suffixes))


def fingerprint() -> dict | None:
    """sha256 of everything a refresh reads; None in live mode (unknowable without fetching)."""
    if settings.source_mode() == "live":
        return None
    from orchestration.publication import published_cycles

    digest, count = hashlib.sha256(), 0

    def add(label: str, path: Path) -> None:
        nonlocal count
        digest.update(f"{label}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
        count += 1

    for part in CODE:
        for f in _files(settings.PROJECT_ROOT / part, CODE_SUFFIXES):
            add(str(f.relative_to(settings.PROJECT_ROOT)), f)
    snapshot = settings.snapshot_dir()
    for f in _files(snapshot):
        add(f"snapshot/{f.relative_to(snapshot)}", f)
    inbox = settings.home() / "inbox"
    for f in _files(inbox) if inbox.exists() else []:
        add(f"inbox/{f.relative_to(inbox)}", f)
    for cycle, folders in sorted(published_cycles().items()):
        if cycle < settings.cycle():  # what T-1 reads; later publications do not change a refresh
            for folder in folders:
                add(f"published/{folder.name}", folder / "barometer.parquet")
    # the resolved settings (not the environment, which the CLI and dbt preparation fill in as they go)
    resolved = {"territory": settings.territory_label(), "cycle": settings.cycle(), "snapshot": str(snapshot),
                "source": settings.source_mode(),
                "accept_membership_change": os.environ.get("BAROMETRE_ACCEPT_MEMBERSHIP_CHANGE", "")}
    digest.update(json.dumps(resolved, sort_keys=True).encode())
    return {"sha256": digest.hexdigest(), "files": count, "settings": resolved}


def _state() -> Path:
    return settings.home() / "state" / "last_refresh.json"


def last_if_unchanged(current: dict | None) -> dict | None:
    """The last successful refresh when nothing it read has changed (and its outputs are still there)."""
    if current is None or not _state().exists():
        return None
    last = json.loads(_state().read_text(encoding="utf-8"))
    outputs = settings.warehouse_path().exists() and (settings.exports_dir() / "barometer.parquet").exists()
    return last if last.get("sha256") == current["sha256"] and outputs else None


def record(current: dict | None, run_id: str, assets: int) -> None:
    if current is None:
        return
    _state().parent.mkdir(parents=True, exist_ok=True)
    tmp = _state().with_suffix(".tmp")
    tmp.write_text(json.dumps({**current, "run_id": run_id, "assets": assets}, indent=1), encoding="utf-8")
    os.replace(tmp, _state())


def forget() -> None:
    """After a failed run: the next one must not skip."""
    _state().unlink(missing_ok=True)

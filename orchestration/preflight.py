"""Checks before anything is written: a home that is writable and has room, a writable publication
folder when publishing. A run that would fail half-way on a read-only or full disk stops here, in
one paragraph, with nothing landed, marked or changed."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from ingest import settings

MIN_FREE = 256 * 1024**2  # a refresh writes ~15 MB of raw files, rebuilds ~60 MB of warehouse, GX results


def needed_bytes() -> int:
    """Free space a run needs: BAROMETRE_MIN_FREE_MB, else twice the warehouse (DuckDB rewrites tables
    before freeing the old blocks) and at least MIN_FREE."""
    if os.environ.get("BAROMETRE_MIN_FREE_MB"):
        return int(float(os.environ["BAROMETRE_MIN_FREE_MB"]) * 1024**2)
    path = settings.warehouse_path()
    return max(MIN_FREE, 2 * path.stat().st_size if path.exists() else 0)


def check(publishing: bool = False) -> None:
    """Raise ValueError naming the folder, the problem and what to do."""
    home = settings.home()
    _writable(home, "BAROMETRE_HOME", "point BAROMETRE_HOME at a writable folder (or fix its permissions)")
    free, need = shutil.disk_usage(_existing(home)).free, needed_bytes()
    if free < need:
        raise ValueError(f"only {free / 1024**2:,.0f} MB free on the disk of {home}; a run needs about "
                         f"{need / 1024**2:,.0f} MB (twice the warehouse, at least {MIN_FREE // 1024**2} MB). Free "
                         "some space (old logs, http_cache/) or move BAROMETRE_HOME, then run again. Nothing was "
                         "landed or changed.")
    if publishing:
        _writable(settings.published_dir(), "the publication folder",
                  "make it writable (published cycles stay read-only inside it)")


def _existing(folder: Path) -> Path:
    """The folder, or its closest ancestor that exists (the one a run would create it in)."""
    while not folder.exists():
        folder = folder.parent
    return folder


def _writable(folder: Path, label: str, todo: str) -> None:
    """Probe with a temporary file, creating nothing that stays."""
    try:
        with tempfile.TemporaryFile(dir=_existing(folder)):
            pass
    except OSError as exc:
        why = {errno.EROFS: "is on a read-only file system", errno.EACCES: "is not writable",
               errno.EPERM: "is not writable", errno.ENOSPC: "is on a full disk"}.get(exc.errno, f"cannot be written ({exc.strerror})")
        raise ValueError(f"{label} {folder} {why}: {todo}, then run again. Nothing was landed or changed.") from None

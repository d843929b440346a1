"""One interface for every source: fetch(dataset) gives the payload bytes and their origin.

The embedded snapshot (or a --snapshot-dir delivery in the same format) is the default; live
mode goes to the public endpoints through ingest/live.py. Both return bytes in the embedded
format, so landing, gates and dbt never know which one ran.
"""

from __future__ import annotations

from ingest import settings
from ingest.catalog import Dataset
from ingest.errors import SourceError


def fetch(dataset: Dataset) -> tuple[bytes, str]:
    if settings.source_mode() == "live":
        from ingest import live

        return live.fetch(dataset)
    path = settings.snapshot_dir() / dataset.file
    if not path.is_file():
        raise SourceError(str(path), f"the snapshot has no file {dataset.file} ({dataset.title}).",
                          "Put the file in the snapshot folder, or point --snapshot-dir at a complete delivery.")
    return path.read_bytes(), str(path)

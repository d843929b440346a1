"""Land a source payload as an immutable raw batch, then load it into DuckDB's landing schema.

A batch lives at $BAROMETRE_HOME/raw/<dataset>/<sha256[:16]>/ with the file, read-only, and a
manifest.json (source, vintage, origin, sha256, bytes, time). The same bytes land once: landing
them again reuses the batch, so re-runs duplicate nothing. The landing table is promoted to the
raw schema only by the quality gate (quality/gate.py), so a rejected batch never reaches dbt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import settings
from ingest.catalog import Dataset
from ingest.errors import SourceError


@dataclass(frozen=True)
class Batch:
    dataset: str
    path: Path  # the immutable landed file
    sha256: str
    bytes: int
    origin: str  # URL or embedded path
    manifest: dict

    @property
    def batch_id(self) -> str:
        return self.sha256[:16]


def check_payload(dataset: Dataset, payload: bytes, origin: str) -> None:
    """Refuse what DuckDB would misread: empty, not UTF-8, wrong separator, truncated."""
    if not payload.strip():
        raise SourceError(origin, f"{dataset.file} is empty (0 data rows).",
                          "Re-download or re-export the file; an empty delivery is never loaded.")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            origin,
            f"{dataset.file} is not valid UTF-8 (byte {exc.start}: {payload[exc.start:exc.start + 4]!r}); "
            "it looks like a Latin-1/Windows-1252 export.",
            "Re-export it as UTF-8 (INSEE's site offers UTF-8 CSV), or convert it with "
            "`iconv -f latin1 -t utf-8`, then run again.",
        ) from None
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," not in header and ";" in header:
        raise SourceError(origin, f"{dataset.file} uses ';' as separator; the snapshot format is ',' with decimal dots.",
                          "Convert the delivery to the embedded format (',' separator, '.' decimals), "
                          "as described in ingest/embedded/PROVENANCE.md.")
    if not payload.endswith(b"\n"):
        raise SourceError(origin, f"{dataset.file} does not end with a line break: the file looks truncated.",
                          "Download or copy the file again and compare its size and sha256 with the source.")


def land(dataset: Dataset, payload: bytes, origin: str, source_mode: str) -> Batch:
    """Write the payload once, read-only, with its manifest; return the batch."""
    check_payload(dataset, payload, origin)
    sha = hashlib.sha256(payload).hexdigest()
    batch_dir = settings.raw_dir() / dataset.name / sha[:16]
    target = batch_dir / dataset.file
    if not (batch_dir / "manifest.json").exists():
        batch_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".landing-", dir=batch_dir.parent))
        (staging / dataset.file).write_bytes(payload)
        manifest = {
            "dataset": dataset.name,
            "family": dataset.family,
            "title": dataset.title,
            "vintage": dataset.vintage,
            "source_mode": source_mode,
            "origin": origin,
            "file": dataset.file,
            "sha256": sha,
            "bytes": len(payload),
            "landed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for f in staging.iterdir():
            f.chmod(0o444)
        try:
            os.rename(staging, batch_dir)  # atomic: a batch folder is whole or absent
        except OSError:  # a concurrent run landed the same bytes first
            for f in staging.iterdir():
                f.chmod(0o644)
                f.unlink()
            staging.rmdir()
    manifest = json.loads((batch_dir / "manifest.json").read_text())
    return Batch(dataset.name, target, sha, len(payload), origin, manifest)


def load_landing(con: duckdb.DuckDBPyConnection, dataset: Dataset, batch: Batch) -> int:
    """Replace landing.<dataset> with the batch, every column as text (typing is dbt's job)."""
    table = f"landing.{dataset.name}"
    try:
        con.execute(
            f"""CREATE OR REPLACE TABLE {table} AS
                SELECT *, ? AS _batch_sha256, ? AS _origin, ? AS _landed_at
                FROM read_csv(?, header = true, delim = ',', quote = '"', all_varchar = true,
                              strict_mode = true, null_padding = false, encoding = 'utf-8')""",
            [batch.sha256, batch.origin, batch.manifest["landed_at"], str(batch.path)],
        )
    except duckdb.Error as exc:
        raise SourceError(
            batch.origin,
            f"{dataset.file} could not be parsed as CSV: {str(exc).splitlines()[0]}",
            "Check that every line has the header's number of fields and that the file is complete.",
        ) from None
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.execute(
        """CREATE TABLE IF NOT EXISTS audit.raw_batches (
               dataset VARCHAR, sha256 VARCHAR, origin VARCHAR, source_mode VARCHAR, bytes BIGINT,
               rows BIGINT, landed_at VARCHAR, status VARCHAR, status_at TIMESTAMP,
               PRIMARY KEY (dataset, sha256))"""
    )
    con.execute(
        """INSERT INTO audit.raw_batches VALUES (?, ?, ?, ?, ?, ?, ?, 'landed', now())
           ON CONFLICT (dataset, sha256) DO UPDATE SET status = 'landed', status_at = now()""",
        [dataset.name, batch.sha256, batch.origin, batch.manifest["source_mode"], batch.bytes, rows,
         batch.manifest["landed_at"]],
    )
    return rows


def set_status(con: duckdb.DuckDBPyConnection, dataset: str, sha256: str, status: str) -> None:
    con.execute("UPDATE audit.raw_batches SET status = ?, status_at = now() WHERE dataset = ? AND sha256 = ?",
                [status, dataset, sha256])

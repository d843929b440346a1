"""The services' inbox: land a delivery immutable, gate it, and append it as a new version.

$BAROMETRE_HOME/inbox/roadmaps/ holds what the services drop (workbooks, or folders of CSV). Each
delivery lands under raw/deliveries/<sha256[:16]>/ (read-only, with a manifest), whatever the gate
says. An accepted one is appended to its raw tables as version N+1 of its service: staging reads
the latest version of each service, and every earlier version stays in the raw tables. A refused
one is recorded in audit.deliveries with its message and changes nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ingest import settings
from ingest.roadmaps import KINDS, DeliveryError, read_delivery

SQL_TYPES = {"text": "VARCHAR", "number": "DOUBLE", "year": "INTEGER", "date": "DATE"}
COUNCIL = "Conseil communautaire"  # the decisions' register has no service: it is the council's


def inbox() -> Path:
    return settings.home() / "inbox" / "roadmaps"


@dataclass(frozen=True)
class Outcome:
    file: str
    sha256: str
    kind: str
    service: str
    version: int
    rows: int
    new: bool  # False: the same bytes were accepted before


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The raw tables dbt reads exist even before any delivery (then they are empty)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    for sheets in KINDS.values():
        for sheet in sheets:
            cols = ", ".join(f"{c.name} {SQL_TYPES[c.type]}" for c in sheet.columns)
            con.execute(f"CREATE TABLE IF NOT EXISTS raw.{sheet.table} (delivery_sha256 VARCHAR, delivery_service "
                        f"VARCHAR, version INTEGER, is_example BOOLEAN, row_number INTEGER, {cols})")
    con.execute("CREATE TABLE IF NOT EXISTS audit.deliveries (sha256 VARCHAR, file VARCHAR, kind VARCHAR, "
                "service VARCHAR, version INTEGER, status VARCHAR, message VARCHAR, rows INTEGER, "
                "landed_path VARCHAR, delivered_at TIMESTAMP)")


def fingerprint(path: Path) -> str:
    """sha256 of a workbook, or of a CSV folder's files (names and bytes, in name order)."""
    h = hashlib.sha256()
    for f in sorted(path.glob("*.csv")) if path.is_dir() else [path]:
        if path.is_dir():
            h.update(f.name.encode() + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


def _land(path: Path, sha: str) -> Path:
    """Copy the delivery, read-only, under raw/deliveries/<sha16>/ (once: same bytes, same folder)."""
    target = settings.home() / "raw" / "deliveries" / sha[:16]
    if not target.exists():
        tmp = target.with_name(f".{sha[:16]}-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if path.is_dir():
            shutil.copytree(path, tmp / path.name)
        else:
            shutil.copy2(path, tmp / path.name)
        (tmp / "manifest.json").write_text(json.dumps({
            "file": path.name, "sha256": sha, "landed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }, indent=1), encoding="utf-8")
        for f in tmp.rglob("*"):
            if f.is_file():
                f.chmod(0o444)
        os.replace(tmp, target)
    return target


def _is_example(frames: dict[str, pd.DataFrame]) -> bool:
    """The template's example says EXEMPLE in its services, sources and decisions: never real results."""
    return any(frame[c].astype("string").str.contains("EXEMPLE", na=False).any()
               for frame in frames.values() for c in frame.select_dtypes(exclude=["number", "datetime"]).columns)


def accept(con: duckdb.DuckDBPyConnection, path: Path) -> Outcome:
    """Read, gate and append one delivery (one transaction); DeliveryError when it is refused."""
    from quality import roadmap_gate

    ensure_tables(con)
    path = Path(path)
    if not path.exists():
        raise DeliveryError(str(path), "no such file or folder", "give the path of a workbook or CSV folder")
    sha = fingerprint(path)
    seen = con.execute("SELECT kind, service, version, rows FROM audit.deliveries WHERE sha256 = ? AND "
                       "status = 'accepted'", [sha]).fetchone()
    if seen:
        return Outcome(path.name, sha, seen[0], seen[1], seen[2], seen[3], new=False)
    landed = _land(path, sha)
    now = datetime.now(UTC).replace(tzinfo=None)
    where = str(landed.relative_to(settings.home()))
    try:
        kind, frames = read_delivery(path)
        roadmap_gate.check(path.name, kind, frames)
    except DeliveryError as exc:
        con.execute("INSERT INTO audit.deliveries VALUES (?, ?, NULL, NULL, NULL, 'rejected', ?, 0, ?, ?)",
                    [sha, path.name, str(exc), where, now])
        raise
    first = frames[KINDS[kind][0].name]
    service = first["service"].iloc[0] if "service" in first.columns else COUNCIL
    version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM audit.deliveries WHERE status = 'accepted' "
                          "AND kind = ? AND service = ?", [kind, service]).fetchone()[0]
    example, rows = _is_example(frames), 0
    con.execute("BEGIN TRANSACTION")
    try:
        for sheet in KINDS[kind]:
            frame = frames[sheet.name].assign(delivery_sha256=sha, delivery_service=service, version=version,
                                              is_example=example)
            cols = ["delivery_sha256", "delivery_service", "version", "is_example", "row_number"] + \
                   [c.name for c in sheet.columns]
            con.register("delivery_frame", frame[cols])
            con.execute(f"INSERT INTO raw.{sheet.table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM delivery_frame")
            con.unregister("delivery_frame")
            rows += len(frame)
        con.execute("INSERT INTO audit.deliveries VALUES (?, ?, ?, ?, ?, 'accepted', NULL, ?, ?, ?)",
                    [sha, path.name, kind, service, version, rows, where, now])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return Outcome(path.name, sha, kind, service, version, rows, new=True)


def process_inbox(con: duckdb.DuckDBPyConnection) -> tuple[list[Outcome], list[str]]:
    """Every delivery in the inbox, oldest first: (accepted, refusal messages)."""
    ensure_tables(con)
    folder = inbox()
    folder.mkdir(parents=True, exist_ok=True)
    accepted, refused = [], []
    for path in sorted((p for p in folder.iterdir() if not p.name.startswith((".", "~$"))),
                       key=lambda p: (p.stat().st_mtime, p.name)):
        try:
            accepted.append(accept(con, path))
        except DeliveryError as exc:
            refused.append(str(exc))
    return accepted, refused

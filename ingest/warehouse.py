"""The DuckDB warehouse file: one place that opens it, so every writer behaves the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from ingest import settings

SCHEMAS = ("landing", "raw", "audit")


def holder() -> str | None:
    """Who holds the warehouse, when a writer cannot open it: "process 1234 (python3)", else None.
    Asked before a run starts, so that a run never begins with a cascade of failed steps."""
    path = settings.warehouse_path()
    if not path.exists():
        return None
    try:
        duckdb.connect(str(path)).close()
        return None
    except duckdb.IOException as exc:
        found = re.search(r"held in (\S+) \(PID (\d+)\)", str(exc))
        return f"process {found.group(2)} ({found.group(1).rsplit('/', 1)[-1]})" if found else str(exc).splitlines()[0]


def check_free() -> None:
    """One short paragraph instead of a cascade of failed steps when someone holds the warehouse."""
    who = holder()
    if who:
        raise ValueError(f"the warehouse {settings.warehouse_path()} is open in {who}. DuckDB allows a single writer: "
                         f"close that session (analysts can read {settings.exports_dir()} instead, which a run "
                         "replaces only when every gate passed), then run again. Nothing was landed or changed.")


@contextmanager
def connect(read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, creating its folder and the schemas Python writes to."""
    path = settings.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:  # another process holds the single-writer lock
        raise RuntimeError(
            f"The warehouse {path} is locked by another process ({exc}). DuckDB allows one writer: "
            "close the other session (analysts should read the Parquet exports instead) and retry."
        ) from exc
    try:
        if not read_only:
            for schema in SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        yield con
    finally:
        con.close()


CANDIDATE = "marts_candidate"  # where dbt writes and tests the marts (dbt_project/macros/generate_schema_name.sql)


def promote_marts(con: duckdb.DuckDBPyConnection, marts: list[str]) -> None:
    """Copy the tested candidate marts to `marts`, the schema readers see, in one transaction:
    a reader sees either the previous accepted set or the new one, never a mix."""
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("BEGIN TRANSACTION")
    try:
        for mart in marts:
            con.execute(f"CREATE OR REPLACE TABLE marts.{mart} AS SELECT * FROM {CANDIDATE}.{mart}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise

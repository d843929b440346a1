"""Triennial publication of the barometer, write-audit-publish.

1. write barometer.parquet, barometer.csv, report.html and manifest.json into a hidden staging
   folder beside the publications;
2. audit it: re-read both tables, compare schema, row counts and checksums;
3. rename it atomically to published/<cycle>/ and repoint published/latest atomically.

A published cycle is never overwritten. Publishing a cycle again is refused with a message,
unless a new revision is asked for (`--new-revision`): it lands as published/<cycle>-r2/, -r3/...
The Parquet and CSV files are byte-identical for the same inputs (sorted rows, no timestamps).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ingest import settings, warehouse
from ingest.sources import public_name

CSV_NAME, PARQUET_NAME, REPORT_NAME, MANIFEST_NAME = "barometer.csv", "barometer.parquet", "report.html", "manifest.json"
FOLDER = re.compile(r"^(\d{4})(?:-r(\d+))?$")
# The published barometer speaks to French readers: marts.barometer's English columns take these headers in
# barometer.csv and barometer.parquet (the same as every earlier publication, which T-1 reads back).
PUBLISHED_HEADERS = {
    "section": "volet",
    "year_t": "annee_t",
    "value_t": "valeur_t",
    "year_t1": "annee_t1",
    "value_t1": "valeur_t1",
    "change": "evolution",
    "trend": "tendance",
    "value_departement": "valeur_departement",
    "value_region": "valeur_region",
    "value_france": "valeur_france",
    "basis_france": "base_france",
    "target": "cible",
    "target_value": "valeur_cible",
    "target_year": "annee_cible",
    "gap_to_target": "ecart_cible",
    "trajectory_value": "valeur_trajectoire",
    "gap_to_trajectory": "ecart_trajectoire",
    "quality_t": "qualite_t",
    "coverage": "couverture",
    "missing_measure": "mesure_manquante",
    "candidate_source": "source_qui_servirait",
    "panel_impacts": "impacts_imputables_pdt",
    "panel_achievements": "acquis_consolides",
    "panel_difficulties": "difficultes_retards_echecs",
    "panel_improvements": "objectifs_amelioration",
}


class PublicationError(Exception):
    pass


def published_cycles() -> dict[int, list[Path]]:
    """Published folders by cycle, revisions in order."""
    out: dict[int, list[tuple[int, Path]]] = {}
    root = settings.published_dir()
    if root.exists():
        for p in root.iterdir():
            m = FOLDER.match(p.name)
            if m and p.is_dir() and not p.is_symlink():
                out.setdefault(int(m.group(1)), []).append((int(m.group(2) or 1), p))
    return {c: [p for _, p in sorted(v)] for c, v in out.items()}


def previous_publication(cycle: int) -> Path | None:
    """The latest revision of the latest cycle published before `cycle`."""
    earlier = {c: v for c, v in published_cycles().items() if c < cycle}
    return earlier[max(earlier)][-1] if earlier else None


def load_previous_barometer(con: duckdb.DuckDBPyConnection, cycle: int) -> Path | None:
    """raw.previous_barometer: the previous cycle's published barometer, or an empty table."""
    previous = previous_publication(cycle)
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    if previous is None:
        con.execute("CREATE OR REPLACE TABLE raw.previous_barometer (epci_siren VARCHAR, cycle INTEGER, "
                    "indicator_id VARCHAR, annee_t INTEGER, valeur_t DOUBLE)")
    else:  # a publication describes one EPCI, named by its manifest
        manifest = json.loads((previous / MANIFEST_NAME).read_text(encoding="utf-8"))
        territory = manifest.get("territory", settings.DEFAULT_TERRITORY)  # the only territory there was, before
        con.execute("CREATE OR REPLACE TABLE raw.previous_barometer AS SELECT ?::VARCHAR AS epci_siren, cycle, "
                    "indicator_id, annee_t, valeur_t FROM read_parquet(?)", [territory, str(previous / PARQUET_NAME)])
    return previous


def code_version() -> str:
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=settings.PROJECT_ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        from importlib.metadata import version

        return version("barometre-porte-du-hainaut")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv_fr(df: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM, ';' separator, decimal comma: what French Excel opens as is."""
    df.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def target_folder(cycle: int, new_revision: bool) -> Path:
    existing = published_cycles().get(cycle, [])
    if existing and not new_revision:
        raise PublicationError(
            f"Cycle {cycle} is already published in {existing[-1]}; a publication is never overwritten. "
            f"To publish corrected figures, run `barometre publish --cycle {cycle} --new-revision` "
            "(launchpad: new_revision: true).")
    name = f"{cycle}" if not existing else f"{cycle}-r{len(existing) + 1}"
    return settings.published_dir() / name


def preview(con: duckdb.DuckDBPyConnection, cycle: int) -> str:
    """The barometer of `cycle` as a Markdown table (the UI's preview of the asset), in French like the report."""
    rows = con.execute(
        "SELECT criterion_id, indicator_label, unit, year_t, value_t, year_t1, value_t1, trend FROM marts.barometer "
        "WHERE cycle = ? AND epci_siren = ? AND indicator_id IS NOT NULL ORDER BY criterion_id, indicator_id",
        [cycle, settings.territory()]).fetchall()

    def fig(v):
        return "" if v is None else f"{v:,.2f}".replace(",", " ").replace(".", ",")

    lines = ["| Critère | Indicateur | Unité | T | Valeur T | T-1 | Valeur T-1 | Tendance |", "|---|---|---|---|---:|---|---:|---|"]
    lines += [f"| {c} | {label} | {unit} | {y or ''} | {fig(v)} | {y1 or ''} | {fig(v1)} | {trend} |"
              for c, label, unit, y, v, y1, v1, trend in rows]
    return "\n".join(lines)


def check_publishable() -> Path:
    """Refuse, before any refresh, another EPCI's barometer, a cycle in the future (unless forced) or one
    already published (unless a new revision is asked for); return the folder the publication will take."""
    from datetime import date

    epci = settings.territory()
    if epci != settings.DEFAULT_TERRITORY:
        raise ValueError(
            f"the published barometer is La Porte du Hainaut's ({settings.DEFAULT_TERRITORY}): its report, map, targets "
            f"and panel grid are those of its Projet de Territoire. EPCI {epci}'s figures are in the marts and the "
            f"exports (`barometre run --territory {epci}`). To publish, leave the territory unset, or give 'all' or a "
            f"list that starts with {settings.DEFAULT_TERRITORY}.")
    cycle = settings.cycle()
    if cycle > date.today().year and not settings.force_future():
        raise ValueError(
            f"cycle {cycle} is in the future (today is {date.today():%Y-%m-%d}); a published cycle can never be "
            "overwritten, so a typo would stay forever. Check the cycle, or set force_future (CLI: --force-future).")
    return target_folder(cycle, settings.new_revision())


def publish(cycle: int, run_id: str, new_revision: bool = False,
            after_write: Callable[[Path], None] | None = None) -> tuple[Path, dict]:
    """Write, audit and publish the barometer of `cycle` from the warehouse's marts."""
    from orchestration import report

    target = target_folder(cycle, new_revision)
    root = settings.published_dir()
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".staging-*"):  # left by a run killed mid-publication: never published
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{cycle}-", dir=root))
    staging.chmod(0o755)  # mkdtemp makes it private; a publication is meant to be read
    try:
        with warehouse.connect() as con:
            # one EPCI's barometer (the manifest names it), with the columns readers have always had
            territory = settings.territory()
            published = ("SELECT * EXCLUDE (epci_siren) RENAME (" + ", ".join(f"{en} AS {fr}" for en, fr in PUBLISHED_HEADERS.items())
                         + f") FROM marts.barometer WHERE cycle = {int(cycle)} AND epci_siren = '{territory}' "
                         "ORDER BY criterion_id, indicator_id NULLS FIRST")
            barometer = con.execute(published).df()
            if barometer.empty:
                raise PublicationError(f"marts.barometer has no row for cycle {cycle} and EPCI {territory}: run the "
                                       f"refresh for that territory first (barometre run --territory {territory}).")
            con.execute(f"COPY ({published}) TO '{staging / PARQUET_NAME}' (FORMAT parquet)")
            context = report.gather(con, cycle)
            inputs = con.execute("SELECT dataset, sha256, origin FROM audit.raw_batches WHERE status = 'promoted' "
                                 "ORDER BY dataset").fetchall()
            # the gates of the run that built the published marts: this one, or the earlier refresh whose
            # unchanged marts a publication reuses (the latest run whose dbt tests all passed, as promotion requires)
            built_by = con.execute(
                "SELECT run_id FROM audit.check_results WHERE asset = 'dbt' GROUP BY run_id HAVING bool_and(passed) "
                "ORDER BY max(checked_at) DESC LIMIT 1").fetchone()
            built_by = built_by[0] if built_by else run_id
            gates = con.execute("SELECT asset, check_name, severity, passed, failing_count FROM audit.check_results "
                                "WHERE run_id = ? ORDER BY asset, check_name", [built_by]).fetchall()
        write_csv_fr(barometer, staging / CSV_NAME)
        (staging / REPORT_NAME).write_text(report.render(context), encoding="utf-8")
        manifest = {
            "cycle": cycle,
            "folder": target.name,
            "territory": settings.territory(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "code_version": code_version(),
            "run_id": run_id,
            "marts_built_by_run": built_by,
            "inputs": [{"dataset": d, "sha256": s, "origin": public_name(o)} for d, s, o in inputs],
            "gates": {"total": len(gates), "passed": sum(1 for g in gates if g[3]),
                      "failed_errors": [f"{a}:{c}" for a, c, sev, ok, _ in gates if not ok and sev == "ERROR"],
                      "warnings": [f"{a}:{c}" for a, c, sev, ok, _ in gates if not ok and sev == "WARN"]},
            "row_counts": {"barometer": len(barometer)},
            "files": {n: sha256(staging / n) for n in (PARQUET_NAME, CSV_NAME, REPORT_NAME)},
            "previous_publication": context["previous"],
        }
        if manifest["gates"]["failed_errors"] or not gates:
            raise PublicationError(f"gates failed or missing in run {built_by}: {manifest['gates']['failed_errors']}")
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        audit(staging, barometer)
        if after_write:
            after_write(staging)
        os.rename(staging, target)  # atomic on one filesystem: the cycle folder is whole or absent
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    point_latest(target)
    return target, manifest


def audit(folder: Path, expected: pd.DataFrame) -> None:
    """Re-read what was written: schema, row counts and checksums must match."""
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        if sha256(folder / name) != digest:
            raise PublicationError(f"{name} changed after it was written")
    parquet = pd.read_parquet(folder / PARQUET_NAME)
    csv = pd.read_csv(folder / CSV_NAME, sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    for label, df in (("parquet", parquet), ("csv", csv)):
        if list(df.columns) != list(expected.columns):
            raise PublicationError(f"{label} columns differ from marts.barometer")
        if len(df) != len(expected):
            raise PublicationError(f"{label} has {len(df)} rows, marts.barometer {len(expected)}")
    html = (folder / REPORT_NAME).read_text(encoding="utf-8")
    # links to the producers' pages are for the reader to follow; nothing may be *loaded* from the network
    if "<svg" not in html or re.search(r"""(?:src|srcset|data)\s*=\s*["']?(?:https?:)?//|<link|<script|@import|url\(""",
                                       html):
        raise PublicationError("report.html must embed its charts and load nothing from the network")


def point_latest(target: Path) -> None:
    """Repoint published/latest at `target` atomically (a symlink renamed over the old one)."""
    link = target.parent / "latest"
    tmp = target.parent / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target.name, tmp)
    os.replace(tmp, link)

"""`barometre`: run the pipeline through Dagster, or start the Dagster UI.

    barometre run [--source embedded|live] [--snapshot-dir DIR]
    barometre ui [--port 3000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path

from ingest import settings, warehouse


def _configure(args: argparse.Namespace) -> dict[str, object]:
    """The run's settings from the flags (unset: the deployment's defaults), validated and applied
    for this command; the same values become the run configuration of the job's `barometre` resource."""
    snapshot = getattr(args, "snapshot_dir", None)
    values = {"territory": getattr(args, "territory", None), "source": getattr(args, "source", None),
              "snapshot_dir": str(Path(snapshot).resolve()) if snapshot else None, "cycle": getattr(args, "cycle", None),
              "new_revision": getattr(args, "new_revision", False), "force_future": getattr(args, "force_future", False)}
    settings.apply(values)
    if args.command in ("run", "publish", "roadmaps"):
        from orchestration import preflight

        preflight.check(publishing=args.command == "publish")
    from orchestration.instance import ensure_dagster_home

    ensure_dagster_home()
    return values


def repository_label() -> str:
    """`<repository>@<code location>` of workspace.yaml: runs tagged with it are listed under their job in
    the UI (its Runs tab, the Overview timeline), as launched runs are."""
    import yaml

    from ingest.settings import PROJECT_ROOT

    entry = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())["load_from"][0]["python_module"]
    return f"__repository__@{entry.get('location_name') or entry['module_name']}"


def execute_job(name: str, values: dict[str, object] | None = None, selection=None,
                log_to: Path | None = None, verbose: bool = False):
    """Execute a job in process on the persistent instance, as the UI would launch it.

    `values`: the `barometre` resource's run configuration. `selection` (asset keys) runs part of the
    job. `log_to`: a file that receives what the steps print (dbt's ~300 lines) instead of the
    terminal, which shows one line per phase; the UI keeps the steps' output too.
    """
    import dagster as dg
    from dagster._core.storage.tags import REPOSITORY_LABEL_TAG

    from orchestration.dbt_project import prepare

    prepare()
    from orchestration import progress, recovery
    from orchestration.definitions import defs
    from orchestration.run_settings import run_config

    job = defs.resolve_job_def(name)
    config = {**run_config(values or {}), "loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    run_tags = {**settings.run_tags(), recovery.CLI_TAG: str(os.getpid()),
                REPOSITORY_LABEL_TAG: repository_label()}
    with contextlib.ExitStack() as stack:
        stack.enter_context(recovery.run_lock(name))
        instance = stack.enter_context(dg.DagsterInstance.get())
        for line in recovery.recover(instance):
            print(f"recovered: {line}", file=sys.stderr)
        warehouse.check_free()  # under the lock: a reader (analyst, UI) holds it, not another run
        run_id = str(uuid.uuid4())
        if not verbose:
            stack.enter_context(progress.Progress(instance, run_id))
        if log_to is not None:
            log_to.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(contextlib.redirect_stdout(stack.enter_context(open(log_to, "w", encoding="utf-8"))))
        result = job.execute_in_process(instance=instance, raise_on_error=False, run_id=run_id, tags=run_tags,
                                        asset_selection=selection, run_config=config)
    return result


def run_log(args: argparse.Namespace) -> Path | None:
    """Where the steps' output goes: the terminal with --verbose, else a file under $BAROMETRE_HOME/logs."""
    if getattr(args, "verbose", False):
        return None
    return settings.home() / "logs" / f"{args.command}-{datetime.now():%Y%m%d-%H%M%S}.log"


def summarise(result) -> tuple[bool, list[str]]:
    import dagster as dg

    materialised, checks, failures, failed_checks, warnings = Counter(), Counter(), [], [], []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialised[event.asset_key.path[0]] += 1
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = event.event_specific_data
            label = f"{'/'.join(ev.asset_key.path)} [{ev.check_name}]"
            if ev.passed:
                checks["passed"] += 1
            elif ev.severity == dg.AssetCheckSeverity.WARN:
                checks["warned"] += 1
                warnings.append(f"WARNING {label}: {ev.description or ''}")
            else:
                checks["failed"] += 1
                failed_checks.append(f"{label}\n{ev.description or ''}")
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            err = event.event_specific_data.error
            cause = err
            while cause.cause is not None:
                cause = cause.cause
            failures.append(f"step {event.step_key} failed: {cause.message.strip()}")
    ok = result.success and not failed_checks
    tags = result.dagster_run.tags
    lines = [f"Run {result.run_id} of job {result.job_def.name} {'succeeded' if ok else 'FAILED'}",
             "  settings: " + ", ".join(f"{k.split('/')[1]} {tags[k]}" for k in sorted(settings.run_tags()) if k in tags),
             f"  assets materialised: {sum(materialised.values())} "
             f"({', '.join(f'{k}: {v}' for k, v in sorted(materialised.items()))})",
             f"  checks: {checks['passed']} passed, {checks['failed']} failed, {checks['warned']} warnings"]
    lines += [f"  {w}" for w in warnings]
    if ok:
        lines += _row_counts()
        lines.append(f"  warehouse: {settings.warehouse_path()}")
        lines.append(f"  exports:   {settings.exports_dir()}")
    for text in failed_checks + failures:
        lines.append("")
        lines.append(text)
    if not ok:
        lines.append("")
        lines.append("Nothing downstream of the failure was rebuilt; marts, exports and publications keep their last good state.")
    return ok, lines


def _row_counts() -> list[str]:
    import duckdb

    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()
        counts = [(t, con.execute(f"SELECT count(*) FROM marts.{t}").fetchone()[0]) for (t,) in tables]
        epci = con.execute(
            "SELECT value FROM marts.fct_indicator_value WHERE territory_level = 'epci' AND territory_code = ? "
            "AND indicator_id = 'population' AND year = 2022", [settings.territory()]).fetchone()
        scope = con.execute("SELECT count(DISTINCT epci_siren), count(*) FROM marts.dim_commune").fetchone()
        fallback = con.execute(
            "SELECT dataset FROM (SELECT * FROM audit.raw_batches WHERE status = 'promoted' QUALIFY row_number() "
            "OVER (PARTITION BY dataset ORDER BY status_at DESC) = 1) WHERE source_mode = 'embedded' ORDER BY dataset"
        ).fetchall() if settings.source_mode() == "live" else []
    out = ["  marts: " + ", ".join(f"{t} {n}" for t, n in counts),
           f"  territories: {scope[0]} EPCI(s), {scope[1]:,} communes (marts keyed by epci_siren)"]
    if fallback:
        out.append(f"  live mode: {len(fallback)} dataset(s) have no live client and used their embedded file "
                   f"(see PROVENANCE.md): {', '.join(d for (d,) in fallback)}")
    if epci:
        out.append(f"  EPCI {settings.territory()} population 2022: {epci[0]:,.0f}")
    return out


def skipped(last: dict) -> str:
    return (f"  skipped: {last['assets']} assets, nothing changed since run {last['run_id']} (same code, settings and "
            f"sha256 of {last['files']} files read: snapshot, inbox, earlier publications); its marts and exports "
            "stand. --force rebuilds.")


def cmd_run(args: argparse.Namespace) -> int:
    values = _configure(args)
    started = time.monotonic()
    from orchestration import up_to_date

    current = up_to_date.fingerprint()
    last = None if args.force else up_to_date.last_if_unchanged(current)
    if last:
        print(f"Run skipped: up to date\n{skipped(last)}\n  warehouse: {settings.warehouse_path()}\n"
              f"  exports:   {settings.exports_dir()}\n  wall time: {time.monotonic() - started:.1f} s")
        return 0
    log = run_log(args)
    up_to_date.forget()  # a run killed from here on must not count as up to date
    result = execute_job("refresh", values, log_to=log, verbose=args.verbose)
    ok, lines = summarise(result)
    remember(up_to_date, current, result, ok)
    print("\n".join(lines))
    if log:
        print(f"  step output (dbt's log): {log}")
    print(f"  wall time: {time.monotonic() - started:.1f} s")
    return 0 if ok else 1


def cmd_publish(args: argparse.Namespace) -> int:
    values = _configure(args)
    started = time.monotonic()
    from orchestration.publication import PublicationError, check_publishable

    try:  # refused before any refresh: a published cycle is never overwritten
        check_publishable()
    except PublicationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(f"  nothing was refreshed ({time.monotonic() - started:.1f} s)", file=sys.stderr)
        return 1
    log = run_log(args)
    from orchestration import up_to_date

    current = up_to_date.fingerprint()
    last = None if args.force else up_to_date.last_if_unchanged(current)
    # nothing changed since the last refresh: publish from its marts, without rebuilding them
    import dagster as dg

    selection = [dg.AssetKey(["publication", "barometer"])] if last else None
    if not last:
        up_to_date.forget()  # a run killed from here on must not count as up to date
    result = execute_job("publish", values, selection=selection, log_to=log, verbose=args.verbose)
    ok, lines = summarise(result)
    if last:
        lines.insert(2, skipped(last).replace("assets,", "assets of the refresh,"))
    else:
        remember(up_to_date, current, result, ok)
    print("\n".join(lines))
    if log:
        print(f"  step output (dbt's log): {log}")
    if ok:
        print(f"  published: {settings.published_dir() / 'latest'} -> {os.readlink(settings.published_dir() / 'latest')}")
    print(f"  wall time: {time.monotonic() - started:.1f} s")
    return 0 if ok else 1


def cmd_roadmaps_add(args: argparse.Namespace) -> int:
    """Gate a service's workbook (or CSV folder) and accept it as a new version; the next run builds the marts."""
    from ingest import deliveries
    from ingest.errors import SourceError
    from orchestration import preflight
    from orchestration.recovery import run_lock

    preflight.check()
    status = 0
    with run_lock("roadmaps add"):
        warehouse.check_free()
        with warehouse.connect() as con:
            for file in args.files:
                try:
                    got = deliveries.accept(con, Path(file))
                except SourceError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    status = 1
                    continue
                print(f"{got.file}: {'accepted as' if got.new else 'already accepted (same bytes) as'} version "
                      f"{got.version} of {got.service} ({got.kind}, {got.rows} rows, sha256 {got.sha256[:16]})")
    if status == 0:
        print("  run `barometre run` to rebuild the marts and the exports with it")
    return status


def remember(up_to_date, current: dict | None, result, ok: bool) -> None:
    """Record a successful refresh's fingerprint; forget it after a failure, so the next run rebuilds."""
    if ok:
        done = sum(1 for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION")
        up_to_date.record(current, result.run_id, done)
    else:
        up_to_date.forget()


def cmd_docs(args: argparse.Namespace) -> int:
    from orchestration import docs

    page = docs.build(settings.home() / "docs")
    print(f"data dictionary: {page} ({page.stat().st_size / 1024**2:.1f} MB, self-contained)")
    if not args.no_serve:
        try:
            docs.serve(page, args.host, args.port)
        except KeyboardInterrupt:
            pass
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    _configure(args)
    from orchestration.dbt_project import prepare

    prepare()
    from ingest.settings import PROJECT_ROOT

    cmd = [sys.executable, "-m", "dagster", "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"),
           "-h", args.host, "-p", str(args.port)]
    print(f"Dagster UI on http://{args.host}:{args.port} (DAGSTER_HOME={os.environ['DAGSTER_HOME']})")
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.call(cmd, cwd=PROJECT_ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="barometre", description="Barometer of La Porte du Hainaut (Dagster + dbt).")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="ingest, gate, build the marts and the exports (the refresh job)")
    run.add_argument("--source", choices=["embedded", "live"], help="embedded snapshot (default) or live endpoints")
    run.add_argument("--snapshot-dir", help="a delivery in the embedded format to use instead of the shipped snapshot")
    run.add_argument("--territory", help="EPCI SIREN, SIRENs separated by commas, or 'all' (every EPCI of the region, "
                     "in one warehouse keyed by EPCI); the barometer describes the first, or 200042190 for 'all' "
                     "(default: BAROMETRE_TERRITORY or 200042190)")
    run.add_argument("--verbose", action="store_true", help="print the steps' output (dbt's log) on the terminal")
    run.add_argument("--force", action="store_true", help="rebuild even when nothing changed since the last run")
    run.set_defaults(func=cmd_run)
    pub = sub.add_parser("publish", help="refresh with every gate, then publish the triennial barometer")
    pub.add_argument("--cycle", type=int, help="cycle year (2024, 2027, ...; default: the latest one)")
    pub.add_argument("--new-revision", action="store_true",
                     help="publish a cycle that is already published as a new revision (<cycle>-rN)")
    pub.add_argument("--force-future", action="store_true", help="allow a cycle year after the current year")
    pub.add_argument("--verbose", action="store_true", help="print the steps' output (dbt's log) on the terminal")
    pub.add_argument("--source", choices=["embedded", "live"], help="embedded snapshot (default) or live endpoints")
    pub.add_argument("--snapshot-dir", help="a delivery in the embedded format to use instead of the shipped snapshot")
    pub.add_argument("--force", action="store_true", help="refresh even when nothing changed since the last run")
    pub.set_defaults(func=cmd_publish)
    roadmaps = sub.add_parser("roadmaps", help="the services' deliveries: roadmaps, budget lines, council decisions")
    roadmaps_sub = roadmaps.add_subparsers(dest="action", required=True)
    add = roadmaps_sub.add_parser("add", help="gate a workbook (.xlsx) or a folder of CSV files, and accept it as "
                                  "the service's new version (templates: ingest/templates/)")
    add.add_argument("files", nargs="+", help="workbook(s) or CSV folder(s)")
    add.set_defaults(func=cmd_roadmaps_add)
    docs = sub.add_parser("docs", help="build the dbt docs of the warehouse (the data dictionary) offline and serve "
                          "them on 127.0.0.1")
    docs.add_argument("--host", default="127.0.0.1")
    docs.add_argument("--port", type=int, default=8080)
    docs.add_argument("--no-serve", action="store_true", help="build the page only")
    docs.set_defaults(func=cmd_docs)
    ui = sub.add_parser("ui", help="start the Dagster UI (dagster dev) on the barometer's instance")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=cmd_ui)
    args = parser.parse_args(argv)
    saved = settings.apply({})
    try:
        return args.func(args)
    except ValueError as exc:  # bad settings
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        settings.apply(saved)  # this command's settings end with it


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: the refresh's cost beside a bare `dbt build`, from one invocation on one machine.

Each case runs as a subprocess in a fresh BAROMETRE_HOME under a temporary folder; wall time and peak
RSS (the largest of the process and the children it waited for: dbt, GX) are read from os.wait4.
Cases: a cold `barometre run` (empty home), a warm one (nothing changed), a bare `dbt build` on the
warehouse the cold run built, a `barometre publish` on that warm home, and a cold
`barometre run --territory all` (every EPCI of the region) in a second empty home. Prints a table and
the ratios the project aims for (issue 12). Not a test: figures, no verdict.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def measure(cmd: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of one command."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.monotonic() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def environment(home: Path) -> dict:
    env = {**os.environ, "BAROMETRE_HOME": str(home), "BAROMETRE_DUCKDB_PATH": str(home / "warehouse.duckdb"),
           "GX_ANALYTICS_ENABLED": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name in ("DAGSTER_HOME", "BAROMETRE_TERRITORY"):
        env.pop(name, None)
    return env


def scope(home: Path) -> str:
    """What an all-EPCI warehouse holds: EPCIs, communes, fact rows."""
    import duckdb

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        epcis, communes = con.execute("SELECT count(DISTINCT epci_siren), count(*) FROM marts.dim_commune").fetchone()
        facts = con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0]
    return f"{epcis} EPCIs, {communes:,} communes, {facts:,} rows in fct_indicator_value"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="barometre-bench-"))
    home = work / "home"
    env = environment(home)
    rows = []
    held = ""
    try:
        rows.append(("cold barometre run (empty home)", *measure([str(BIN / "barometre"), "run"], env)))
        rows.append(("warm barometre run (nothing changed)", *measure([str(BIN / "barometre"), "run"], env)))
        dbt = [str(BIN / "dbt"), "build", "--project-dir", str(ROOT / "dbt_project"), "--profiles-dir",
               str(ROOT / "dbt_project"), "--target-path", str(work / "dbt_target")]
        rows.append(("bare dbt build (same warehouse)", *measure(dbt, env, ROOT / "dbt_project")))
        rows.append(("barometre publish (warm: publication only)",
                     *measure([str(BIN / "barometre"), "publish", "--cycle", "2024"], env)))
        every = work / "every"
        rows.append(("cold barometre run --territory all",
                     *measure([str(BIN / "barometre"), "run", "--territory", "all"], environment(every))))
        held = scope(every) if rows[-1][3] == 0 else "the run failed"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {platform.node()} · {os.cpu_count()} CPU · {platform.platform()} · Python {platform.python_version()}")
    print(f"{'case':46} {'wall s':>8} {'peak RSS MiB':>13} {'exit':>5}")
    for name, seconds, rss, code in rows:
        print(f"{name:46} {seconds:8.1f} {rss:13.0f} {code:5d}")
    cold, warm, bare, every_epci = rows[0][1], rows[1][1], rows[2][1], rows[4][1]
    print(f"warm / bare dbt build: {warm / bare:.2f} (goal <= 0.5)")
    print(f"cold / bare dbt build: {cold / bare:.2f} (goal <= 2.0)")
    print(f"every EPCI / one EPCI (cold runs): {every_epci / cold:.2f} (goal <= 2.0); {held}")
    print(f"largest peak RSS: {max(r[2] for r in rows):.0f} MiB (goal <= 1536)")
    return 0 if all(r[3] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

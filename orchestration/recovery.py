"""One barometre run at a time per home, and a clean start after a run that died (kill -9, power cut).

`run_lock()` is an flock on $BAROMETRE_HOME/state/run.lock: the kernel releases it when its process
dies, so a lock is never left behind. A second run waits for it and says so every few seconds.

`recover()`, called under the lock before a run starts, repairs what a killed run leaves:
- a run still marked STARTED in the Dagster instance (no barometre process is alive, since we hold
  the lock) is marked failed, and the concurrency-pool slots it claimed are freed; otherwise every
  later run would wait for them for ever;
- an export swap cut between its two renames is completed backwards (the previous set comes back),
  and half-written export folders are removed (orchestration/publication.py clears its own).
The warehouse needs nothing: DuckDB replays or discards its write-ahead log when it opens, and the
marts readers see are only replaced in one transaction (orchestration/dbt_assets.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ingest import settings

CLI_TAG = "barometre/pid"  # the process that runs a CLI run


def lock_path():
    return settings.home() / "state" / "run.lock"


@contextmanager
def run_lock(command: str) -> Iterator[None]:
    """Hold the home's run lock; wait for it (BAROMETRE_LOCK_WAIT seconds, default 3600) with a message."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = float(os.environ.get("BAROMETRE_LOCK_WAIT", 3600))
    started = time.monotonic()
    with open(path, "a+") as handle:
        said = -1.0
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait:
                    raise ValueError(f"another barometre run holds {settings.home()} ({holder(path)}); waited "
                                     f"{waited:.0f} s. Let it finish (or stop it), then run again. Nothing was changed.") from None
                if waited - said >= 5:
                    print(f"waiting for the run of {holder(path)} to finish ({waited:.0f} s)...", file=sys.stderr, flush=True)
                    said = waited
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "command": command, "started": f"{datetime.now():%Y-%m-%d %H:%M:%S}"}))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def holder(path) -> str:
    try:
        who = json.loads(path.read_text() or "{}")
        return f"process {who['pid']} (barometre {who['command']}, started {who['started']})"
    except (OSError, ValueError, KeyError):
        return "another process"


def recover(instance) -> list[str]:
    """Repair what a dead run left; return what was done, in words (empty when nothing was needed)."""
    return _orphans() + _dead_runs(instance) + _exports()


def _orphans() -> list[str]:
    """`dbt` processes of this home whose parent died: a killed run's child (kill -9 does not reach it).
    They only write marts_candidate, but they hold DuckDB's lock, or take it a moment later."""
    import signal

    wanted = json.dumps(str(settings.warehouse_path())).encode()  # in its --vars
    done = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
            ppid = int(next(line.split()[1] for line in (proc / "status").read_text().splitlines()
                            if line.startswith("PPid:")))
        except (OSError, StopIteration, ValueError):
            continue  # gone, or not ours to read
        if b"dbt" not in cmdline or wanted not in cmdline or (ppid != 1 and Path(f"/proc/{ppid}").exists()):
            continue
        pid = int(proc.name)
        os.kill(pid, signal.SIGKILL)  # its output is refused anyway: nothing to finish cleanly
        done.append(f"orphaned dbt process {pid} of a killed run stopped")
    if done:
        time.sleep(0.5)  # the kernel releases its file locks as it exits
    return done


def _dead_runs(instance) -> list[str]:
    import dagster as dg

    done = []
    in_progress = instance.get_runs(filters=dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]))
    for run in in_progress:
        pid = run.tags.get(CLI_TAG)
        if pid is None or int(pid) == os.getpid():
            continue  # launched from the UI (its own run worker), or ours
        instance.report_run_failed(run, f"barometre: process {pid} of this run died (killed?); marked failed by the next run.")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        done.append(f"run {run.run_id} of process {pid} had died: marked failed, its pool slot freed")
    # a slot still claimed by a run that has ended (a crash between the step's end and the slot's release)
    for pool in instance.event_log_storage.get_concurrency_keys():
        for run_id in instance.event_log_storage.get_concurrency_info(pool).active_run_ids:
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                instance.event_log_storage.free_concurrency_slots_for_run(run_id)
                done.append(f"pool {pool}: slot of ended run {run_id} freed")
    return done


def _exports() -> list[str]:
    target = settings.exports_dir()
    old = target.with_name(target.name + ".old")
    done = []
    if not target.exists() and old.exists():
        os.rename(old, target)
        done.append(f"exports: the previous set was restored ({target})")
    for leftover in [old, *target.parent.glob(".exports-*")]:
        if leftover.exists():
            shutil.rmtree(leftover, ignore_errors=True)
            done.append(f"exports: half-written folder {leftover.name} removed")
    return done

"""One line per phase on the terminal while a run executes (landing, gates, dbt, exports, publication).

The run writes its events to the instance; a thread reads them back every half second, so the
terminal says what is happening without dbt's ~300 lines (those go to the run's log file and the UI).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter

import dagster as dg

WATCHED = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
           dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION}
LAYERS = ("reference", "staging", "intermediate", "marts")


def phase_of(key: dg.AssetKey) -> str:
    head = key.path[0]
    return {"raw": "landing", "exports": "exports", "publication": "publication"}.get(head, "dbt")


class Progress:
    def __init__(self, instance: dg.DagsterInstance, run_id: str, out=None, interval: float = 0.5):
        self.instance, self.run_id, self.interval = instance, run_id, interval
        self.out = out or sys.stderr
        self.started: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.built: dict[str, Counter] = {}
        self.checks: dict[str, Counter] = {}
        self.printed: set[str] = set()
        self.cursor = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="barometre-progress", daemon=True)

    def __enter__(self) -> Progress:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self._read()
        for phase in ("landing", "dbt", "exports", "publication"):
            self._close(phase)

    def _loop(self) -> None:
        while not self.stop.wait(self.interval):
            try:
                self._read()
            except Exception:  # noqa: BLE001 - the storage may be busy a moment; the run matters, not this line
                continue

    def _read(self) -> None:
        conn = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=WATCHED)
        self.cursor = conn.cursor
        for record in conn.records:
            self._on(record.event_log_entry)

    def _on(self, entry) -> None:
        event = entry.dagster_event
        kind = event.event_type
        if kind in (dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            key = event.asset_key if kind == dg.DagsterEventType.ASSET_MATERIALIZATION else \
                event.event_specific_data.asset_key
            phase = phase_of(key)
            self.started.setdefault(phase, entry.timestamp)
            self.last[phase] = entry.timestamp
            if kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
                self.built.setdefault(phase, Counter())[key.path[0]] += 1
            else:
                ev = event.event_specific_data
                state = "passed" if ev.passed else ("warned" if ev.severity == dg.AssetCheckSeverity.WARN else "failed")
                self.checks.setdefault(phase, Counter())[state] += 1
        elif kind == dg.DagsterEventType.STEP_START:
            step = event.step_key or ""
            phase = "dbt" if "dbt" in step else "exports" if "export" in step else \
                "publication" if "publication" in step else None
            if phase is None and "landing" not in self.started:
                self.started["landing"] = entry.timestamp
                self._say("landing and gates: landing each source and running its quality gate...")
            if phase:
                self.started.setdefault(phase, entry.timestamp)
                for earlier in ("landing", "dbt", "exports", "publication"):
                    if earlier == phase:
                        break
                    self._close(earlier, until=entry.timestamp)
                if phase == "dbt":
                    self._say("dbt: building the models and testing them (dbt build)...")
        elif kind == dg.DagsterEventType.STEP_SUCCESS:
            step = event.step_key or ""
            for phase in ("dbt", "exports", "publication"):
                if phase[:4] in step:
                    self.last[phase] = entry.timestamp
        elif kind == dg.DagsterEventType.STEP_FAILURE:
            self._say(f"FAILED: step {event.step_key} (the message follows)")

    def _close(self, phase: str, until: float | None = None) -> None:
        if phase in self.printed or phase not in self.started:
            return
        self.printed.add(phase)
        took = (until or self.last.get(phase, self.started[phase])) - self.started[phase]
        built, checks = self.built.get(phase, Counter()), self.checks.get(phase, Counter())
        tests = f"{checks['passed']} passed, {checks['failed']} failed, {checks['warned']} warnings"
        if phase == "landing":
            self._say(f"landing and gates: {built['raw']} raw tables landed; great-expectations gates and checks: "
                      f"{tests} ({took:.1f} s)")
        elif phase == "dbt":
            layers = ", ".join(f"{built[k]} {k}" for k in LAYERS if built[k])
            self._say(f"dbt: {sum(built.values())} tables and views built ({layers}); dbt tests: {tests} ({took:.1f} s)")
        elif phase == "exports":
            self._say(f"exports: the marts and the audit trail as Parquet and CSV ({took:.1f} s)")
        else:
            self._say(f"publication: written, audited and published ({took:.1f} s)")

    def _say(self, line: str) -> None:
        print(f"  [{time.strftime('%H:%M:%S')}] {line}", file=self.out, flush=True)

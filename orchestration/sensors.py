"""Sensors (run by the Dagster daemon, e.g. under `barometre ui`): a delivery dropped in the services'
inbox launches its trial, and a failed run leaves an incident file a person can read."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import dagster as dg

from ingest import deliveries, settings
from orchestration.jobs import refresh_job


@dg.sensor(job=refresh_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="A workbook or CSV folder dropped in $BAROMETRE_HOME/inbox/roadmaps/ launches a refresh, "
                       "whose delivery gate accepts it as a new version or refuses it with its sheet, row and column.")
def inbox_delivery(context: dg.SensorEvaluationContext):
    folder = deliveries.inbox()
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~$"))) if folder.exists() else []
    seen = set(json.loads(context.cursor or "[]"))
    current = {deliveries.fingerprint(p): p.name for p in entries}
    new = {sha: name for sha, name in current.items() if sha not in seen}
    if not new:
        return dg.SkipReason(f"no new delivery in {folder} ({len(current)} already seen)")
    context.update_cursor(json.dumps(sorted(seen | set(new))))
    names = ", ".join(sorted(new.values()))
    return dg.RunRequest(run_key="delivery-" + "-".join(sorted(sha[:12] for sha in new)),
                         tags={"barometre/trigger": "inbox", "barometre/deliveries": names[:200]})


@dg.run_failure_sensor(name="incident_report", default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Writes $BAROMETRE_HOME/incidents/<time>-<run>.md for every failed run: job, tags, "
                                   "failed steps and their messages, and where the logs are.")
def incident_report(context: dg.RunFailureSensorContext) -> None:
    write_incident(context.dagster_run, context.failure_event.message,
                   [(e.step_key, e.event_specific_data.error.message if e.event_specific_data
                     and e.event_specific_data.error else e.message) for e in context.get_step_failure_events()])


def write_incident(run, message: str, steps: list[tuple[str | None, str | None]]) -> str:
    """A readable incident file (Markdown), written atomically; returns its path."""
    folder = settings.home() / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    tags = "\n".join(f"- `{k}`: {v}" for k, v in sorted(run.tags.items()) if not k.startswith(".dagster")) or "- none"
    body = [f"# Failed run of `{run.job_name}`", "", f"- run: `{run.run_id}`", f"- noticed: {now:%Y-%m-%d %H:%M} UTC",
            f"- summary: {message}", "", "## Tags", tags, "", "## Failed steps"]
    for key, text in steps or [(None, message)]:
        body += ["", f"### `{key or 'run'}`", "", "```", (text or "").strip()[:4000], "```"]
    body += ["", "## What to do", "Read the failed step's message above (it names the source, the check and what to do);",
             f"the full log is in the Dagster UI (run `{run.run_id}`) and under `{settings.home() / 'logs'}`.",
             "Marts, exports and publications kept their last good state.", ""]
    path = folder / f"{now:%Y%m%d-%H%M%S}-{run.run_id[:8]}.md"
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(body), encoding="utf-8")
    os.replace(tmp, path)
    return str(path)


sensors = [inbox_delivery, incident_report]

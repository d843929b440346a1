"""The Dagster sensors: an inbox delivery launches its trial once; a failed run leaves a readable incident file."""

import shutil

import dagster as dg
import pytest

from ingest import settings
from ingest.roadmap_templates import TEMPLATES
from orchestration.sensors import inbox_delivery, incident_report


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path))
    return tmp_path


def test_a_new_delivery_in_the_inbox_launches_one_trial(home):
    with dg.instance_for_test() as instance:
        empty = inbox_delivery(dg.build_sensor_context(instance=instance))
        assert isinstance(empty, dg.SkipReason) and "no new delivery" in empty.skip_message
        inbox = home / "inbox" / "roadmaps"
        inbox.mkdir(parents=True)
        shutil.copy(TEMPLATES / "exemple_feuille_de_route.xlsx", inbox / "feuille_emploi.xlsx")
        context = dg.build_sensor_context(instance=instance)
        request = inbox_delivery(context)
        assert isinstance(request, dg.RunRequest) and request.tags["barometre/deliveries"] == "feuille_emploi.xlsx"
        assert request.run_key.startswith("delivery-")
        again = inbox_delivery(dg.build_sensor_context(instance=instance, cursor=context.cursor))
        assert isinstance(again, dg.SkipReason)  # the same bytes are not tried twice
        shutil.copytree(TEMPLATES / "exemple_budget_csv", inbox / "budget_2026")
        second = inbox_delivery(dg.build_sensor_context(instance=instance, cursor=context.cursor))
        assert isinstance(second, dg.RunRequest) and second.tags["barometre/deliveries"] == "budget_2026"


def test_a_failed_run_leaves_a_readable_incident_file(home):
    @dg.asset
    def broken_source():
        raise dg.Failure(description="[raw/example] gate failed on 3 rows. What to do: fix the delivery.")

    with dg.instance_for_test() as instance:
        result = dg.materialize([broken_source], instance=instance, raise_on_error=False,
                                tags={"barometre/territory": "200042190"})
        assert not result.success
        run = instance.get_run_by_id(result.run_id)
        failure = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[0].dagster_event
        context = dg.build_run_status_sensor_context(
            sensor_name="incident_report", dagster_event=failure, dagster_instance=instance, dagster_run=run,
        ).for_run_failure()
        incident_report(context)
    files = list((settings.home() / "incidents").glob("*.md"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert f"- run: `{result.run_id}`" in text and "`barometre/territory`: 200042190" in text
    assert "### `broken_source`" in text and "gate failed on 3 rows" in text and "## What to do" in text


def test_each_source_is_fresh_when_its_schedule_ran():
    """Every raw asset carries the freshness policy of its release rhythm, and the schedule of that rhythm
    lands it inside the policy's window (a run at the schedule's tick is fresh at the deadline)."""
    from datetime import datetime

    from dagster._utils.schedules import cron_string_iterator

    from ingest.catalog import DATASETS
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    schedules = {s.job_name: s for s in defs.schedules}
    for rhythm, job in (("yearly", "refresh"), ("monthly", "refresh_registers")):
        wanted = {d.name for d in DATASETS if d.rhythm == rhythm}
        assert wanted, rhythm
        for name in wanted:
            policy = graph.get(dg.AssetKey(["raw", name])).freshness_policy
            tick = next(cron_string_iterator(datetime(2027, 1, 15).timestamp(), schedules[job].cron_schedule,
                                             "Europe/Paris"))
            deadline = next(cron_string_iterator(tick.timestamp(), policy.deadline_cron, policy.timezone))
            assert deadline - policy.lower_bound_delta <= tick < deadline, (name, tick, deadline)
            assert dg.AssetKey(["raw", name]) in defs.resolve_job_def(job).asset_layer.asset_graph.executable_asset_keys

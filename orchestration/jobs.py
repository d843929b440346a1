"""Jobs and schedules. Cron has no "every 3 years": the triennial schedule skips other years."""

from datetime import datetime

import dagster as dg

from ingest import settings
from orchestration import freshness
from orchestration.run_settings import run_config

PUBLICATION = dg.AssetSelection.assets(dg.AssetKey(["publication", "barometer"]))

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all() - PUBLICATION,
    description="Ingest every source, run the quality gates, build the dbt marts and the analyst exports.",
    executor_def=dg.in_process_executor,  # one DuckDB writer at a time, and about twice as fast here
)

publish_job = dg.define_asset_job(
    "publish",
    selection=dg.AssetSelection.all(),
    description="The refresh with every gate, then the triennial publication of the barometer.",
    executor_def=dg.in_process_executor,
)

registers_job = dg.define_asset_job(
    "refresh_registers",
    selection=dg.AssetSelection.assets(*freshness.keys("monthly")).downstream() - PUBLICATION,
    description="The registers a producer keeps up to date (charging points, DPE), gated, and what is built from them.",
    executor_def=dg.in_process_executor,
)

# INSEE publishes each census vintage and Filosofi at the end of June: refresh on 1 July.
annual_refresh = dg.ScheduleDefinition(
    name="annual_refresh",
    job=refresh_job,
    cron_schedule=freshness.RHYTHMS["yearly"][0],
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Yearly refresh after INSEE's summer releases (census, Filosofi).",
)


@dg.schedule(
    job=publish_job,
    cron_schedule="0 6 15 9 *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Triennial publication (cycles 2024, 2027, 2030, ...), in September after the summer releases; "
                "other years are skipped.",
)
def triennial_publication(context: dg.ScheduleEvaluationContext):
    year = (context.scheduled_execution_time or datetime.now()).year
    if not settings.is_cycle_year(year):
        return dg.SkipReason(f"{year} is not a cycle year (cycles every 3 years from {settings.cycle_anchor()}).")
    # the cycle is the run's configuration (what the publication uses), and its tag
    return dg.RunRequest(run_key=f"barometer-{year}", run_config=run_config({"cycle": year}),
                         tags={"barometre/cycle": str(year)})


monthly_registers = dg.ScheduleDefinition(
    name="monthly_registers",
    job=registers_job,
    cron_schedule=freshness.RHYTHMS["monthly"][0],
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Monthly refresh of the registers (IRVE charging points and car-pool places, ADEME DPE).",
)

schedules = [annual_refresh, monthly_registers, triennial_publication]
jobs = [refresh_job, publish_job, registers_job]

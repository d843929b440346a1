"""Jobs and schedules. Cron has no "every 3 years": triennial logic lives in the schedule body."""

import dagster as dg

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every source, run the quality gates, build the dbt marts and the analyst exports.",
    executor_def=dg.in_process_executor,  # one DuckDB writer at a time, and about twice as fast here
)

# INSEE publishes each census vintage and Filosofi at the end of June: refresh on 1 July.
annual_refresh = dg.ScheduleDefinition(
    name="annual_refresh",
    job=refresh_job,
    cron_schedule="0 6 1 7 *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Yearly refresh after INSEE's summer releases (census, Filosofi).",
)

schedules = [annual_refresh]

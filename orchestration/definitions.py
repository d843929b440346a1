"""The one Dagster Definitions of the barometer (loaded by workspace.yaml and the CLI)."""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt_assets import barometre_dbt_assets
from orchestration.dbt_project import dbt_project
from orchestration.exports import analyst_exports
from orchestration.jobs import refresh_job, schedules
from orchestration.raw_assets import raw_checks_extra, raw_definitions

raw_assets, raw_checks = raw_definitions()

defs = dg.Definitions(
    assets=[*raw_assets, barometre_dbt_assets, analyst_exports],
    asset_checks=[*raw_checks, *raw_checks_extra()],
    jobs=[refresh_job],
    schedules=schedules,
    resources={"dbt": DbtCliResource(project_dir=dbt_project)},
    executor=dg.in_process_executor,
)

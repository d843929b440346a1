"""The one Dagster Definitions of the barometer (loaded by workspace.yaml and the CLI)."""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt_assets import barometre_dbt_assets
from orchestration.dbt_project import DBT_EXECUTABLE, dbt_project
from orchestration.delivery_assets import service_deliveries
from orchestration.exports import analyst_exports
from orchestration.jobs import jobs, schedules
from orchestration.publication_assets import barometer_publication, previous_barometer
from orchestration.raw_assets import raw_checks_extra, raw_definitions
from orchestration.run_settings import KEY as SETTINGS
from orchestration.run_settings import BarometreSettings
from orchestration.sensors import sensors

raw_assets, raw_checks = raw_definitions()

defs = dg.Definitions(
    assets=[*raw_assets, service_deliveries, previous_barometer, barometre_dbt_assets, analyst_exports, barometer_publication],
    asset_checks=[*raw_checks, *raw_checks_extra()],
    jobs=jobs,
    schedules=schedules,
    sensors=sensors,
    resources={SETTINGS: BarometreSettings(), "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)},
    executor=dg.in_process_executor,
)

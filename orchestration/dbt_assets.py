"""All dbt models, seeds and tests as one @dbt_assets, grouped by folder in the UI."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from ingest import settings
from orchestration.dbt_project import dbt_project
from orchestration.resources import DUCKDB_POOL


class FolderTranslator(DagsterDbtTranslator):
    """Group assets by dbt folder (staging, intermediate, marts; seeds as reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


translator = FolderTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator,
            pool=DUCKDB_POOL)
def barometre_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: seeds, models and their tests (error severity, so a failing test stops the run)."""
    settings.export_env()
    yield from dbt.cli(["build"], context=context).stream()

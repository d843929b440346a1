"""All dbt models, seeds and tests as one @dbt_assets, grouped by folder in the UI."""


import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from ingest import settings, warehouse
from orchestration.dbt_project import dbt_project
from orchestration.resources import DUCKDB_POOL
from orchestration.run_settings import BarometreSettings


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
def barometre_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, barometre: BarometreSettings):
    """`dbt build`: seeds, models and their tests (error severity, so a failing test stops the run).

    Every test result is also appended to audit.check_results, then a failure stops the run with
    the failing tests named. Marts are built and tested in `marts_candidate`; only a build whose
    every test passed is copied to `marts` (write-audit-publish), so readers never see refused numbers.
    """
    # `barometre` (the run's settings) is applied to ingest.settings when the run starts: dbt gets them as --vars
    invocation = dbt.cli(["build", "--vars", json.dumps(settings.dbt_vars())], context=context, raise_on_error=False)
    # Held until dbt ends: dbt holds DuckDB's single-writer lock while it runs, and the row counts and
    # column types are read from the warehouse (the UI shows the step's materializations at its end).
    events = list(invocation.stream())
    results = invocation.get_artifact("run_results.json")
    failed = record_test_results(context.run_id, results)
    if invocation.is_successful():
        built = [r["unique_id"].split(".")[-1] for r in results.get("results", [])
                 if r["unique_id"].startswith("model.") and r["status"] == "success"
                 and (r.get("relation_name") or "").split(".")[-2:-1] == [f'"{warehouse.CANDIDATE}"']]
        with warehouse.connect() as con:
            warehouse.promote_marts(con, built)
        context.log.info(f"promoted {len(built)} tested marts to schema marts: {', '.join(built)}")
        yield from with_table_metadata(events, invocation.manifest)
    else:
        yield from events
        raise dg.Failure(
            description="dbt build failed: " + ("; ".join(failed[:10]) or str(invocation.get_error() or "see the dbt logs"))
            + ". What to do: inspect the failing rows with `dbt test --select <test> --store-failures`, fix the model "
              "or the delivery. The refused build stays in schema marts_candidate for inspection; the marts readers "
              "see (schema marts), the exports and the publications keep their last good state.",
        )


def with_table_metadata(events: list, manifest: Mapping[str, Any]):
    """Each built model or seed with `dagster/row_count` and `dagster/column_schema` as readers see it
    (marts: the promoted tables of schema marts)."""
    from orchestration.publication import preview

    nodes = manifest["nodes"]
    with warehouse.connect(read_only=True) as con:
        for event in events:
            unique_id = (getattr(event, "metadata", None) or {}).get("unique_id")
            node = nodes.get(getattr(unique_id, "value", unique_id) or "", {})
            if not isinstance(event, dg.Output) or node.get("resource_type") not in ("model", "seed"):
                yield event
                continue
            schema = "marts" if node["schema"] == warehouse.CANDIDATE else node["schema"]
            relation = f'{schema}."{node["alias"] or node["name"]}"'
            columns = con.execute(f"DESCRIBE {relation}").fetchall()
            described = {c: (v.get("description") or "") for c, v in node.get("columns", {}).items()}
            yield event.with_metadata({
                **event.metadata,
                "dagster/row_count": con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0],
                "dagster/column_schema": dg.TableSchema(columns=[
                    dg.TableColumn(name, str(kind).lower(), description=described.get(name) or None)
                    for name, kind, *_ in columns]),
                "dagster/table_name": f"warehouse.{schema}.{node['alias'] or node['name']}",
                **({"preview": dg.MetadataValue.md(preview(con, settings.cycle()))} if node["name"] == "barometer" else {}),
            })


def failing_rows(con, relation: str | None, limit: int = 3) -> list[dict]:
    """A few rows that failed a dbt test, from its store_failures table (empty if there is none)."""
    if not relation:
        return []
    try:
        df = con.execute(f"SELECT * FROM {relation.split('.', 1)[1]} LIMIT {limit}").df()
    except Exception:  # noqa: BLE001 - an error test (compile or runtime) stores no rows
        return []
    return df.astype(str).to_dict("records")


def record_test_results(run_id: str, run_results: Mapping[str, Any]) -> list[str]:
    """Append each dbt test result to the audit trail; return the failing ones, described."""
    from quality.gate import record

    failed = []
    with warehouse.connect() as con:
        for r in run_results.get("results", []):
            if not r["unique_id"].startswith("test.") or r["status"] == "skipped":
                continue
            name = r["unique_id"].split(".")[2]
            passed = r["status"] == "pass"
            sample = [] if passed else failing_rows(con, r.get("relation_name"))
            record(con, run_id, "dbt", name, "ERROR", passed, int(r.get("failures") or 0),
                   [] if passed else [r.get("message"), *sample])
            if not passed:
                failed.append(f"{name} ({r.get('failures')} failing rows{', e.g. ' + str(sample) if sample else ''})")
    return failed

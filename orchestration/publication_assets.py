"""Dagster side of the publication: the previous cycle as an input, the publication as an asset."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from ingest import settings, warehouse
from orchestration.dbt_assets import barometre_dbt_assets
from orchestration.resources import DUCKDB_POOL
from orchestration.run_settings import KEY as SETTINGS


@dg.asset(
    key=["raw", "previous_barometer"],
    group_name="publication",
    kinds={"duckdb", "parquet"},
    pool=DUCKDB_POOL,
    required_resource_keys={SETTINGS},
    description="The barometer of the latest cycle published before the current one (T-1), read from "
                "$BAROMETRE_HOME/published/; an empty table when none exists yet.",
)
def previous_barometer(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from orchestration.publication import load_previous_barometer

    with warehouse.connect() as con:
        previous = load_previous_barometer(con, settings.cycle())
        rows = con.execute("SELECT count(*) FROM raw.previous_barometer").fetchone()[0]
    return dg.MaterializeResult(metadata={"cycle": settings.cycle(), "previous": str(previous) if previous else "none",
                                          "dagster/row_count": rows, "dagster/table_name": "warehouse.raw.previous_barometer"})


@dg.asset(
    key=["publication", "barometer"],
    group_name="publication",
    deps=[get_asset_key_for_model([barometre_dbt_assets], "barometer"), dg.AssetKey(["exports", "analyst_files"])],
    kinds={"parquet", "csv", "html"},
    pool=DUCKDB_POOL,
    required_resource_keys={SETTINGS},
    description="Triennial publication (write-audit-publish) of the barometer under $BAROMETRE_HOME/published/<cycle>/: "
                "barometer.parquet, barometer.csv (French Excel), report.html, manifest.json. Runs only when every "
                "upstream gate passed; a published cycle is never overwritten.",
)
def barometer_publication(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from orchestration.publication import PublicationError, publish

    try:
        folder, manifest = publish(settings.cycle(), context.run.run_id, new_revision=settings.new_revision())
    except PublicationError as exc:
        raise dg.Failure(description=f"Publication refused: {exc}") from None
    from orchestration.publication import preview

    with warehouse.connect(read_only=True) as con:
        table = preview(con, manifest["cycle"])
    return dg.MaterializeResult(metadata={
        "preview": dg.MetadataValue.md(table),
        "folder": dg.MetadataValue.path(str(folder)), "cycle": manifest["cycle"],
        "rows": manifest["row_counts"]["barometer"], "gates_passed": manifest["gates"]["passed"],
        "barometer_csv_sha256": manifest["files"]["barometer.csv"],
    })

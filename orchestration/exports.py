"""Parquet and CSV copies of the marts for analysts, written only after every gate passed.

Analysts read these files, never the DuckDB file, which the pipeline may be writing.
"""


import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from ingest import settings, warehouse
from orchestration.dbt_assets import barometre_dbt_assets
from orchestration.resources import DUCKDB_POOL
from orchestration.run_settings import KEY as SETTINGS

MARTS = ("dim_commune", "dim_indicator", "fct_indicator_value", "engagement_1", "engagement_2", "engagement_3",
         "barometer", "idh4", "idh4_plan_comparison", "pcaet_facts", "roadmap_indicator", "roadmap_milestone",
         "engagement_followup", "epci_peers")


def write_exports(target: Path, between_renames: Callable[[], None] | None = None) -> dict[str, int]:
    """Write every mart to target/<mart>.parquet and .csv via a temporary folder, then swap it in
    (two renames; a crash between them is undone by orchestration/recovery.py, which the tests
    prove by killing the process at `between_renames`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".exports-", dir=target.parent))
    counts = {}
    with warehouse.connect() as con:
        for table in (*(f"marts.{m}" for m in MARTS), "audit.check_results"):
            name = table.split(".")[1]
            con.execute(f"COPY (SELECT * FROM {table}) TO '{tmp / name}.parquet' (FORMAT parquet)")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{tmp / name}.csv' (HEADER, DELIMITER ',')")
            counts[name] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    old = target.with_name(target.name + ".old")
    if target.exists():
        os.rename(target, old)
    if between_renames:
        between_renames()
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    return counts


@dg.asset(
    key=["exports", "analyst_files"],
    group_name="exports",
    deps=[get_asset_key_for_model([barometre_dbt_assets], m) for m in MARTS],
    kinds={"parquet", "csv"},
    pool=DUCKDB_POOL,
    required_resource_keys={SETTINGS},
    description="Parquet and CSV copies of the marts and the audit trail under $BAROMETRE_HOME/exports/.",
)
def analyst_exports(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from quality.gate import build_data_docs

    target = settings.exports_dir()
    counts = write_exports(target)
    build_data_docs()  # the gates store their results; the Data Docs are rendered once per run
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(target)),
                                          **{f"rows_{k}": v for k, v in counts.items()}})

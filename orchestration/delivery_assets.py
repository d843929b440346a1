"""The services' deliveries (roadmaps, budget lines, council decisions) as one raw asset."""

import dagster as dg

from ingest import deliveries, warehouse
from orchestration.resources import DUCKDB_POOL
from orchestration.run_settings import KEY as SETTINGS

TABLES = ("roadmap_actions", "roadmap_values", "roadmap_milestones", "budget_lines", "council_decisions")


@dg.multi_asset(
    name="service_deliveries",
    specs=[dg.AssetSpec(["raw", t], group_name="raw_services", kinds={"duckdb", "xlsx"}, owners=["team:data-engineering"],
                        description=f"raw.{t}: every accepted version of the services' deliveries.") for t in TABLES],
    description="Workbooks dropped by the services in $BAROMETRE_HOME/inbox/roadmaps/ (templates in "
                "ingest/templates/): each lands immutable under raw/deliveries/, passes the delivery gate "
                "(quality/roadmap_gate.py) and is appended as a new version of its service. A refused delivery "
                "stops the run with its file, sheet, row and column; what was accepted before stays.",
    pool=DUCKDB_POOL,
    required_resource_keys={SETTINGS},
)
def service_deliveries(context: dg.AssetExecutionContext):
    with warehouse.connect() as con:
        accepted, refused = deliveries.process_inbox(con)
        counts = {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0] for t in TABLES}
    for a in accepted:
        if a.new:
            context.log.info(f"{a.file}: accepted as version {a.version} of {a.service} ({a.kind}, {a.rows} rows)")
    if refused:
        raise dg.Failure(description="\n".join(refused) + "\n  Remove or correct the file in "
                         f"{deliveries.inbox()}; nothing else was changed.")
    for t in TABLES:
        yield dg.MaterializeResult(asset_key=["raw", t], metadata={
            "dagster/row_count": counts[t], "inbox": dg.MetadataValue.path(str(deliveries.inbox())),
            "accepted_now": sum(a.new for a in accepted)})

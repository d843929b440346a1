"""Raw assets (one per dataset of ingest.catalog) and their blocking great-expectations gates."""


import dagster as dg

from ingest import landing, sources, warehouse
from ingest.catalog import DATASETS, Dataset
from orchestration import freshness
from orchestration.resources import DUCKDB_POOL
from orchestration.run_settings import KEY as SETTINGS


def raw_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", name])


def build_raw_asset(ds: Dataset) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    @dg.asset(
        key=raw_key(ds.name),
        group_name=f"raw_{ds.family}",
        description=f"{ds.title}. Vintage: {ds.vintage}. Landed immutable under raw/{ds.name}/ "
                    f"with a manifest, then loaded as landing.{ds.name} (text columns).",
        deps=[raw_key(d) for d in ds.deps],
        kinds={"duckdb", "csv"},
        pool=DUCKDB_POOL,
        owners=["team:data-engineering"],
        metadata={"file": ds.file, "vintage": ds.vintage, "key": ", ".join(ds.key)},
        required_resource_keys={SETTINGS},
        freshness_policy=freshness.policy(ds.rhythm),
    )
    def _raw(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        payload, origin, mode = sources.fetch(ds)
        batch = landing.land(ds, payload, origin, mode)
        with warehouse.connect() as con:
            rows = landing.load_landing(con, ds, batch)
            columns = con.execute(f"DESCRIBE landing.{ds.name}").fetchall()
        context.log.info(f"{ds.name}: {rows} rows from {origin} (sha256 {batch.sha256[:16]})")
        return dg.MaterializeResult(metadata={
            # the table dbt reads once the gate promotes the batch; every column as delivered, as text
            "dagster/row_count": rows, "dagster/table_name": f"warehouse.raw.{ds.name}",
            "dagster/column_schema": dg.TableSchema(columns=[
                dg.TableColumn(name, str(kind).lower(), description="key" if name in ds.key else None)
                for name, kind, *_ in columns]),
            "origin": origin, "sha256": batch.sha256, "bytes": batch.bytes,
            "raw_path": dg.MetadataValue.path(str(batch.path)), "source_mode": batch.manifest["source_mode"],
        })

    @dg.asset_check(
        asset=raw_key(ds.name),
        name="gx_gate",
        blocking=True,
        pool=DUCKDB_POOL,
        required_resource_keys={SETTINGS},
        description="great-expectations suite (schema, keys, territory communes, ranges, secret markers). "
                    "Promotes the batch from landing to raw only when it passes.",
    )
    def _gate(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        from quality import gate

        with warehouse.connect() as con:
            result = gate.run_gate(con, ds, context.op_execution_context.run_id)
        if not result.passed:
            context.log.error(result.message())
        return dg.AssetCheckResult(
            passed=result.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=result.message(),
            metadata={
                "rows": result.rows,
                "expectations": result.evaluated,
                "failed_expectations": len(result.failures),
                "failing_rows": sum(f.failing for f in result.failures),
                "failures": dg.MetadataValue.md("\n".join(f"- {f.describe()}" for f in result.failures) or "none"),
                "origin": result.origin,
                "sha256": result.sha256,
            },
        )

    return _raw, _gate


def raw_definitions() -> tuple[list, list]:
    built = [build_raw_asset(ds) for ds in DATASETS]
    return [a for a, _ in built], [c for _, c in built]


@dg.asset_check(
    asset=raw_key("insee_comparateur_2025"),
    name="population_drift",
    blocking=False,
    additional_deps=[raw_key("insee_comparateur_2021")],
    pool=DUCKDB_POOL,
    required_resource_keys={SETTINGS},
    description="WARN: a territory commune whose RP2022 population moved more than 20 % from RP2018.",
)
def population_drift_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    from quality import drift, gate

    with warehouse.connect() as con:
        rows = drift.population_drift(con)
        gate.record(con, context.op_execution_context.run_id, "insee_comparateur_2025", "population_drift", "WARN",
                    not rows, len(rows), [list(r) for r in rows[:5]])
    text = "; ".join(f"{c}: {p18:,.0f} -> {p22:,.0f} ({chg:+.0%})" for c, p18, p22, chg in rows[:5])
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        description=(f"{len(rows)} commune(s) moved more than {drift.THRESHOLD:.0%} between RP2018 and RP2022: {text}. "
                     "Check the delivery against INSEE's published legal populations; the run goes on."
                     if rows else "No territory commune moved more than 20 % between RP2018 and RP2022."),
        metadata={"communes_flagged": len(rows), "threshold": drift.THRESHOLD},
    )


def raw_checks_extra() -> list:
    return [population_drift_check]

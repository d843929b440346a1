"""Helpers of the bad-input and reliability tests: run the real refresh job on a corrupted delivery."""

import hashlib
import os


def fingerprint(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def run_with(snapshot, pipeline_home, untouched=("staging", "intermediate", "marts", "exports"), dataset=None):
    """Run the refresh job on the delivery: for one corrupted dataset, that dataset and everything
    downstream of it (the others are already landed and promoted by the session's run)."""
    from orchestration.cli import execute_job, summarise

    selection = None
    if dataset is not None:
        import dagster as dg

        from orchestration.definitions import defs

        graph = defs.resolve_asset_graph()
        selection = list(dg.AssetSelection.assets(dg.AssetKey(["raw", dataset.name])).downstream()
                         .resolve(graph))
    os.environ["BAROMETRE_SNAPSHOT_DIR"] = str(snapshot)
    try:
        before = fingerprint(pipeline_home / "exports")
        result = execute_job("refresh", selection=selection)
        ok, lines = summarise(result)
    finally:
        os.environ.pop("BAROMETRE_SNAPSHOT_DIR")
    built = {p for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION" for p in e.asset_key.path}
    assert not ok
    assert not built & set(untouched), built
    assert fingerprint(pipeline_home / "exports") == before
    return "\n".join(lines)


def edit(path, fn):
    text = path.read_text(encoding="utf-8")
    path.write_text(fn(text), encoding="utf-8")

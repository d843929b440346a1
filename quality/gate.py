"""Run a dataset's GX suite on its landing table, record the result, promote it if it passed.

Promotion (landing -> raw) happens here because only the gate knows the batch is good: a
rejected batch stays in landing, marked rejected, and the raw table keeps the last good batch,
so a later plain `dbt build` can never read rejected data.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingest import settings
from ingest.catalog import GEO_VARIANTS, MERGED_SINCE_2022, Dataset, territory_codes
from ingest.landing import set_status
from quality import plausibility, suites

MAX_SAMPLE = 5


@dataclass
class Failure:
    check: str
    column: str | None
    failing: int
    sample: list

    def describe(self) -> str:
        where = f" on column {self.column}" if self.column else ""
        sample = f"; e.g. {self.sample[:MAX_SAMPLE]}" if self.sample else ""
        return f"{self.check}{where}: {self.failing} failing row(s){sample}"


@dataclass
class GateResult:
    dataset: str
    origin: str
    sha256: str
    rows: int
    evaluated: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def message(self) -> str:
        if self.passed:
            return f"[{self.origin}] {self.evaluated} expectations passed on {self.rows} rows."
        lines = [f"[{self.origin}] quality gate '{self.dataset}' failed ({len(self.failures)} of "
                 f"{self.evaluated} expectations) on batch {self.sha256[:16]}:"]
        lines += [f"  - {f.describe()}" for f in self.failures]
        lines.append(
            "  What to do: fix the delivery (see ingest/embedded/PROVENANCE.md for the expected columns "
            "and units) and try it with `barometre run --snapshot-dir DIR`. The rejected batch is kept in "
            f"landing.{self.dataset} and under raw/{self.dataset}/ for inspection; marts and "
            "publications keep their last good state."
        )
        return "\n".join(lines)


def territory_members(con: duckdb.DuckDBPyConnection, schema: str = "raw",
                      epcis: list[str] | str | None = None) -> list[str]:
    """The commune codes of the run's EPCIs (or of `epcis`: SIRENs or settings.ALL), from the geography
    table (the membership authority)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'geo_appartenance_2022'",
        [schema],
    ).fetchone()[0]
    if not exists:
        return []
    scope = settings.territories() if epcis is None else epcis
    where, params = ("EPCI != 'ZZZZZZZZZ'", []) if scope == settings.ALL else ("list_contains(?, EPCI)", [scope])
    rows = con.execute(f"SELECT CODGEO FROM {schema}.geo_appartenance_2022 WHERE {where} ORDER BY 1", params).fetchall()
    return [r[0] for r in rows]


LEVELS = {"COM": "COM", "COMMUNE": "COM", "DEP": "DEP", "EPCI": "EPCI", "REG": "REG", "FRANCE": "FRANCE"}


def known_codes(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Territory codes by level, from the accepted geography (COG 2022) and its documented variants."""
    geo = con.execute("SELECT CODGEO, DEP, REG, EPCI FROM raw.geo_appartenance_2022").df()
    return {"COM": set(geo["CODGEO"]) | set(GEO_VARIANTS), "DEP": set(geo["DEP"]), "REG": set(geo["REG"]),
            "EPCI": set(geo["EPCI"]) - {"ZZZZZZZZZ"}, "FRANCE": {"FR"}}


def validation_frame(df: pd.DataFrame, dataset: Dataset, known: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """Raw text columns plus numeric shadows where secret markers and blanks are missing, not 0, and
    per row: its line in the file (`_line`), its first cell that a model would cast to NULL although it
    holds something (`_bad_cell`), and its territory code unknown to the geography (`_unknown_code`)."""
    out = df.copy()
    out["_line"] = range(2, len(df) + 2)  # the header is line 1
    bad_cell = pd.Series(None, index=df.index, dtype="object")
    for col in reversed([c for c in suites.numeric_columns(dataset) if c in df.columns]):  # the first bad cell wins
        text = df[col].astype("string").str.strip()
        secret_or_blank = text.isin(suites.SECRET_MARKERS) | (text == "") | text.isna()
        bad = ~secret_or_blank & ~text.str.fullmatch(suites.NUMBER_OR_SECRET).fillna(False)
        if col == "value" and dataset.quoted and "indicator" in df.columns:
            bad &= ~df["indicator"].isin(dataset.quoted)
        bad_cell = bad_cell.mask(bad, col + "=" + text.fillna("").map(repr))
        out[f"num__{col}"] = pd.to_numeric(text.mask(secret_or_blank), errors="coerce").astype("float64")
    out["_bad_cell"] = bad_cell
    out["_unknown_code"] = unknown_codes(df, dataset, known) if known else None
    if dataset.rules:
        out["_rule"], out["_at_most"] = tidy_annotations(out, dataset)
    return out


def unknown_codes(df: pd.DataFrame, dataset: Dataset, known: dict[str, set[str]]) -> pd.Series:
    """'COM 59999' where a row's territory code is not in the geography of its level, else None."""
    found = pd.Series(None, index=df.index, dtype="object")
    for code_col, level in territory_codes(dataset):
        if code_col not in df.columns:
            continue
        levels = (df[level].astype("string").str.upper().map(LEVELS) if level in df.columns
                  else pd.Series(LEVELS.get(level), index=df.index, dtype="object"))
        codes = df[code_col].astype("string").str.strip()
        for name, valid in known.items():
            unknown = (levels == name) & codes.notna() & (codes != "") & ~codes.isin(valid)
            found = found.mask(unknown & found.isna(), name + " " + codes)
    return found


def tidy_annotations(frame: pd.DataFrame, dataset: Dataset) -> tuple[pd.Series, pd.Series]:
    """For a long file: the rule each row's variable matches (None: unknown variable), and, on the
    row of `a`, the broken rule "a <= b" with both values when a > b for the same territory and year."""
    rule = pd.Series(None, index=frame.index, dtype="object")
    for r in reversed(dataset.rules):  # the first matching rule wins
        rule = rule.mask(frame["variable"].str.contains(r.variables, regex=True, na=False), r.name)
    broken = pd.Series(None, index=frame.index, dtype="object")
    keys = ["geo_level", "geo_code", "year"]
    for a, b in dataset.at_most:
        left = frame.loc[frame["variable"] == a, keys + ["num__value"]].reset_index()
        right = frame.loc[frame["variable"] == b, keys + ["num__value"]]
        both = left.merge(right, on=keys, suffixes=("_a", "_b"))
        bad = both[both["num__value_a"] > both["num__value_b"]]
        broken.loc[bad["index"]] = [f"{a} {x:g} > {b} {y:g}" for x, y in zip(bad["num__value_a"], bad["num__value_b"], strict=True)]
    return rule, broken


def index_columns(dataset: Dataset) -> list[str]:
    """Columns that locate a failing row in the message: the key (the first three parts of a long key)
    and the row's line in the delivered file."""
    return [*(dataset.key[:3] or [dataset.commune_key or dataset.required[0]]), "_line"]


def _context():
    """The file-backed GX context under $BAROMETRE_HOME/quality (suites, results, Data Docs): built once
    per process and home, so a gate costs what its data costs, not GX's start-up."""
    return _context_at(str(settings.home() / "quality"))


@functools.lru_cache(maxsize=8)
def _context_at(root: str):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx  # slow import (4-8 s): only when a gate runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    Path(root).mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=root)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


_unrendered: list = []  # validation results stored since the Data Docs were last rendered


def build_data_docs() -> None:
    """Render the Data Docs pages of the results stored since the last rendering, and the index (all of
    them would cost more with every run): after a failed gate, and once per run with the exports."""
    from quality import data_docs

    context = _context()
    context.build_data_docs(resource_identifiers=list(_unrendered) or None)
    _unrendered.clear()
    data_docs.localise(Path(context.root_directory) / "uncommitted" / "data_docs" / "local_site")


def _plain(row: dict) -> dict:
    """A failing row's index values as plain Python (numpy scalars print as np.int64(2))."""
    return {k: v.item() if hasattr(v, "item") else v for k, v in row.items()}


def _validation(dataset: Dataset, members: list[str]):
    """The dataset's validation definition in the file-backed context, its suite stored again only when its
    expectations changed (GX's own add_or_update compares every expectation pairwise: most of a gate's cost)."""
    import great_expectations as gx

    context = _context()
    expectations = suites.expectations(dataset, members)
    digest = hashlib.sha256(json.dumps([e.configuration.to_json_dict() for e in expectations], sort_keys=True,
                                       default=str).encode()).hexdigest()
    name = f"raw_{dataset.name}"
    try:
        stored = context.suites.get(name)
    except Exception:  # noqa: BLE001 - GX raises its own not-found errors, which vary by store
        stored = None
    if stored is not None and (stored.meta or {}).get("sha256") == digest:
        try:
            return context.validation_definitions.get(f"gate_{dataset.name}")
        except Exception:  # noqa: BLE001 - not stored yet: added below
            pass
    # the data source is kept (it holds every dataset's asset); its assets are reached with get_asset, which
    # binds them to the context (iterating `.assets` of a source loaded from the config does not: GX then
    # raises MissingDataContextError when the batch is read)
    names = {s.name for s in context.data_sources.all().values()}
    source = context.data_sources.get("raw_tables") if "raw_tables" in names else context.data_sources.add_pandas("raw_tables")
    asset = source.get_asset(dataset.name) if dataset.name in source.get_asset_names() \
        else source.add_dataframe_asset(dataset.name)
    batch_def = asset.get_batch_definition("whole") if "whole" in {b.name for b in asset.batch_definitions} \
        else asset.add_batch_definition_whole_dataframe("whole")
    if stored is not None:
        context.suites.delete(name)
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations, meta={"sha256": digest}))
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"gate_{dataset.name}", data=batch_def, suite=suite))


def _run_suite(frame: pd.DataFrame, dataset: Dataset, members: list[str]) -> tuple[int, list[Failure]]:
    """Validate with the file-backed GX context; the result is stored for the Data Docs
    ($BAROMETRE_HOME/quality/gx/uncommitted/data_docs/local_site/), rendered on failure or by the exports."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    validation = _validation(dataset, members)
    # A passing gate needs only counts (BOOLEAN_ONLY is ~4x faster than COMPLETE, whose index lists and
    # stored results dominate the cost); a failing one is validated again for the rows to quote.
    result = None
    for detail in ("BOOLEAN_ONLY", "COMPLETE"):
        result = validation.run(batch_parameters={"dataframe": frame}, result_format={
            "result_format": detail, "unexpected_index_column_names": index_columns(dataset),
            "partial_unexpected_count": MAX_SAMPLE})
        _unrendered.append(ValidationResultIdentifier(  # the key the run stored its result under
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=validation.suite.name),
            run_id=result.meta["run_id"], batch_identifier=f"raw_tables-{dataset.name}"))
        if result.success:
            break
    if not result.success:
        build_data_docs()
    failures = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        col = cfg.kwargs.get("column")
        res = r.result or {}
        if cfg.type == "expect_column_to_exist":
            sample = [f"columns present: {', '.join(c for c in frame.columns if not c.startswith(('num__', '_')))[:300]}"]
            failures.append(Failure("required column missing (renamed, or a different vintage?)", col, len(frame), sample))
            continue
        if cfg.type == "expect_column_distinct_values_to_contain_set":
            missing = sorted(set(cfg.kwargs["value_set"]) - set(frame[col].dropna()))
            what = "required variables missing (renamed?)" if col == "variable" else "territory communes missing"
            failures.append(Failure(what, col, len(missing), missing))
            continue
        if cfg.type == "expect_table_row_count_to_be_between":
            failures.append(Failure(f"row count {res.get('observed_value')} below {cfg.kwargs['min_value']}", None,
                                    int(cfg.kwargs["min_value"]) - int(res.get("observed_value") or 0), []))
            continue
        bounds = {k: cfg.kwargs[k] for k in ("min_value", "max_value", "regex", "mostly") if cfg.kwargs.get(k) is not None}
        label = cfg.type + (f" {bounds}" if bounds else "")
        if r.exception_info and r.exception_info.get("raised_exception"):
            failures.append(Failure(label, col, len(frame), [r.exception_info.get("exception_message", "")[:200]]))
            continue
        index = res.get("unexpected_index_list") or []
        if col == "_at_most":  # the broken rule, with both values, says more than the row's key
            failures.append(Failure("consistency rule a <= b broken", None, int(res.get("unexpected_count") or 0),
                                    (res.get("partial_unexpected_list") or [])[:MAX_SAMPLE]))
            continue
        if col in ("_bad_cell", "_unknown_code"):
            what = ("cell that is not a number, a secret marker (s, nd) or empty: a model would read it as NULL"
                    if col == "_bad_cell" else
                    "territory code unknown to the geography (COG 2022 of the region, or a documented variant "
                    "in ingest/catalog.py GEO_VARIANTS)")
            failures.append(Failure(what, None, int(res.get("unexpected_count") or 0),
                                    [_plain(i) for i in index[:MAX_SAMPLE]] if index and isinstance(index[0], dict) else
                                    (res.get("partial_unexpected_list") or [])[:MAX_SAMPLE]))
            continue
        if col == "_rule":
            failures.append(Failure("unknown variable (renamed, or not described in ingest/catalog.py)", "variable",
                                    int(res.get("unexpected_count") or 0),
                                    [i.get("variable") for i in index[:MAX_SAMPLE]] if index and isinstance(index[0], dict) else []))
            continue
        sample = [_plain(i) for i in index[:MAX_SAMPLE]] if index and isinstance(index[0], dict) else \
            (res.get("partial_unexpected_list") or [])[:MAX_SAMPLE]
        failing = res.get("unexpected_count") or 0
        failures.append(Failure(label.replace("num__", ""), col.replace("num__", "") if col else None, int(failing), sample))
    return len(result.results), failures


def membership_change(new: list[str], accepted: list[str]) -> list[Failure]:
    """A geography delivery that moves communes into or out of the territory is news, never applied
    silently: refused with the communes named, unless BAROMETRE_ACCEPT_MEMBERSHIP_CHANGE=1 confirms it."""
    if not accepted or set(new) == set(accepted) or os.environ.get("BAROMETRE_ACCEPT_MEMBERSHIP_CHANGE") == "1":
        return []
    joined, left = sorted(set(new) - set(accepted)), sorted(set(accepted) - set(new))
    return [Failure(f"territory membership changed: {len(accepted)} -> {len(new)} communes (joined: {joined or 'none'}; "
                    f"left: {left or 'none'}); if the change is real, confirm it with BAROMETRE_ACCEPT_MEMBERSHIP_CHANGE=1 "
                    "for one run", "EPCI", len(joined) + len(left), joined + left)]


def run_gate(con: duckdb.DuckDBPyConnection, dataset: Dataset, run_id: str) -> GateResult:
    """Validate landing.<dataset>; promote to raw.<dataset> on success; record the result either way."""
    df = con.execute(f"SELECT * FROM landing.{dataset.name}").df()
    # The batch now in landing is the one landed last (an empty batch has no row to carry its sha256).
    sha, origin = con.execute("SELECT sha256, origin FROM audit.raw_batches WHERE dataset = ? "
                              "ORDER BY status_at DESC LIMIT 1", [dataset.name]).fetchone()
    schema = "landing" if dataset.name == "geo_appartenance_2022" else "raw"
    members = territory_members(con, schema) if dataset.commune_key or dataset.family == "geography" else []
    if dataset.territory:  # a file of one EPCI's own (the CAPH reference) covers that EPCI, when the run does
        members = territory_members(con, schema, [dataset.territory]) if settings.covers(dataset.territory) else []
    if dataset.scope != "region":  # a file of one département covers the territory's communes of that département
        members = [m for m in members if m.startswith(dataset.scope)]
    if dataset.family != "geography":  # the geography keeps every 2022 commune; later files lack the merged ones
        members = [m for m in members if m not in MERGED_SINCE_2022 and m not in dataset.absent]
    known = known_codes(con) if dataset.family != "geography" and territory_codes(dataset) else None
    evaluated, failures = _run_suite(validation_frame(df, dataset, known), dataset, members)
    if dataset.family == "geography" and not members:
        failures.append(Failure(f"territory {settings.territory_label()} has no member commune in column EPCI", "EPCI", 0, []))
    if dataset.family == "geography" and members:
        failures += membership_change(members, territory_members(con, "raw"))
    jumps = plausibility.implausible(con, dataset)
    if jumps:
        failures.append(Failure(
            f"implausible change from the previous accepted batch (a count x{plausibility.JUMP:g} or more, or a file "
            f"total beyond {plausibility.REGIONAL_SHIFT:.0%}); if the producer really revised it, confirm with "
            f"{plausibility.OVERRIDE}=1 for one run", None, len(jumps), jumps))
    result = GateResult(dataset.name, origin, sha, len(df), evaluated + 1, failures)
    record(con, run_id, dataset.name, "gx_gate", "ERROR", result.passed,
           sum(f.failing for f in failures), [f.describe() for f in failures])
    if result.passed:
        con.execute(f"CREATE OR REPLACE TABLE raw.{dataset.name} AS SELECT * FROM landing.{dataset.name}")
        set_status(con, dataset.name, sha, "promoted")
        stale = settings.raw_dir() / dataset.name / f"{sha[:16]}.rejected.json"
        if stale.exists():  # refused once (say, before its geography), accepted now: the marker must not mislead
            stale.rename(stale.with_name(f"{sha[:16]}.rejected-superseded-by-run-{run_id[:8]}.json"))
    else:
        set_status(con, dataset.name, sha, "rejected")
        marker = settings.raw_dir() / dataset.name / f"{sha[:16]}.rejected.json"
        marker.write_text(json.dumps({"dataset": dataset.name, "sha256": sha, "run_id": run_id,
                                      "failures": [f.describe() for f in failures]}, indent=2, default=str))
    return result


def record(con: duckdb.DuckDBPyConnection, run_id: str, asset: str, check: str, severity: str, passed: bool,
           failing: int, sample: list) -> None:
    """Append one check result to the audit trail (audit.check_results)."""
    con.execute(
        """CREATE TABLE IF NOT EXISTS audit.check_results (
               run_id VARCHAR, checked_at TIMESTAMP, asset VARCHAR, check_name VARCHAR, severity VARCHAR,
               passed BOOLEAN, failing_count BIGINT, sample VARCHAR)"""
    )
    con.execute("INSERT INTO audit.check_results VALUES (?, now(), ?, ?, ?, ?, ?, ?)",
                [run_id, asset, check, severity, passed, failing, json.dumps(sample, default=str, ensure_ascii=False)])

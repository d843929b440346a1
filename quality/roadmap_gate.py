"""The blocking gate of a service's delivery (roadmap, budget or council decisions): one GX suite per
sheet, run with the row numbers as index, so that every refusal names the sheet, row and column.

What a reader of the barometer relies on is checked here: known engagement, ambition and criterion
of the grid; no year or date in the future; one value per indicator and year; an ambition never
dated before its baseline; every indicator of kind résultat with its ambition; one service per
roadmap or budget workbook.
"""

from __future__ import annotations

import csv
from datetime import date

import pandas as pd

from ingest import settings
from ingest.roadmaps import KINDS, DeliveryError, Sheet

ENGAGEMENTS = ["E1", "E2", "E3"]
AMBITIONS = ["A1", "A2"]
TYPES = ["réalisation", "résultat", "impact"]
STATUSES = ["à venir", "en cours", "atteint", "abandonné"]
FIRST_YEAR = 2000
MAX_ROWS_SHOWN = 5


def criteria() -> list[str]:
    with open(settings.PROJECT_ROOT / "dbt_project" / "seeds" / "criteria.csv", encoding="utf-8") as f:
        return [r["criterion_id"] for r in csv.DictReader(f)]


def _expectations(sheet: str, frames: dict[str, pd.DataFrame], today: date) -> list:
    """(expectation, problem in words) for one sheet; `meta` carries the words to the message."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    E = gx.expectations
    year, now = today.year, pd.Timestamp(today)

    def e(cls, problem, **kw):
        return cls(meta={"problem": problem}, **kw)

    required = [c.name for c in next(s for ss in KINDS.values() for s in ss if s.name == sheet).columns if c.required]
    out = [e(E.ExpectColumnValuesToNotBeNull, "empty cell in a required column", column=c) for c in required]
    if sheet in ("feuille_de_route", "budget", "deliberations"):
        out.append(e(E.ExpectColumnValuesToBeInSet, f"unknown engagement (expected one of {ENGAGEMENTS})",
                     column="engagement", value_set=ENGAGEMENTS))
    if sheet in ("feuille_de_route", "budget"):
        out.append(e(E.ExpectColumnUniqueValueCountToBeBetween, "one workbook per service: several services found",
                     column="service", min_value=1, max_value=1))
    if sheet == "feuille_de_route":
        resultat = Column("indicator_type") == "résultat"
        out += [
            e(E.ExpectColumnValuesToBeInSet, f"unknown ambition (expected {AMBITIONS})", column="ambition",
              value_set=AMBITIONS),
            e(E.ExpectColumnValuesToBeInSet, "unknown criterion of the grid (see reference/criteria.csv)",
              column="criterion_id", value_set=criteria()),
            e(E.ExpectColumnValuesToBeInSet, f"unknown kind of indicator (expected {TYPES})",
              column="indicator_type", value_set=TYPES),
            e(E.ExpectColumnValuesToBeInSet, "direction must be 1 (higher is better) or -1 (lower is better)",
              column="polarity", value_set=[1, -1]),
            e(E.ExpectColumnValuesToBeUnique, "indicator code used twice", column="indicator_code"),
            e(E.ExpectColumnValuesToBeBetween, f"baseline year outside {FIRST_YEAR}-{year} (in the future?)",
              column="baseline_year", min_value=FIRST_YEAR, max_value=year),
            e(E.ExpectColumnPairValuesAToBeGreaterThanB, "ambition year before the baseline year",
              column_A="ambition_year", column_B="baseline_year", or_equal=True, ignore_row_if="either_value_is_missing"),
        ]
        out += [e(E.ExpectColumnValuesToNotBeNull, "an indicator of kind résultat needs its baseline and ambition",
                  column=c, row_condition=resultat)
                for c in ("polarity", "baseline_year", "baseline_value", "ambition_value", "ambition_year")]
    if sheet == "valeurs":
        out += [
            e(E.ExpectColumnValuesToBeInSet, "indicator code not in the sheet feuille_de_route",
              column="indicator_code", value_set=sorted(frames["feuille_de_route"]["indicator_code"].dropna().unique())),
            e(E.ExpectColumnValuesToBeBetween, f"year outside {FIRST_YEAR}-{year} (in the future?)",
              column="year", min_value=FIRST_YEAR, max_value=year),
            e(E.ExpectCompoundColumnsToBeUnique, "two values for the same indicator and year",
              column_list=["indicator_code", "year"]),
        ]
    if sheet == "jalons":
        out += [
            e(E.ExpectColumnValuesToBeInSet, f"unknown status (expected {STATUSES})", column="status",
              value_set=STATUSES),
            e(E.ExpectColumnValuesToBeInSet, "action not in the sheet feuille_de_route", column="action",
              value_set=sorted(frames["feuille_de_route"]["action"].dropna().unique())),
            e(E.ExpectColumnValuesToBeBetween, "date reached in the future", column="reached_date", max_value=now),
            e(E.ExpectColumnValuesToNotBeNull, "a milestone with status 'atteint' needs the date it was reached",
              column="reached_date", row_condition=Column("status") == "atteint"),
        ]
    if sheet == "budget":
        out += [
            e(E.ExpectColumnValuesToBeBetween, f"financial year outside {FIRST_YEAR}-{year + 1}", column="year",
              min_value=FIRST_YEAR, max_value=year + 1),
            e(E.ExpectColumnValuesToBeBetween, "negative amount", column="amount_eur", min_value=0),
            e(E.ExpectColumnValuesToMatchRegex, "functional code (M57) must be 1 to 4 digits",
              column="functional_code", regex=r"^[0-9]{1,4}$"),
        ]
    if sheet == "deliberations":
        out += [
            e(E.ExpectColumnValuesToBeBetween, "decision dated in the future", column="decision_date", max_value=now),
            e(E.ExpectColumnValuesToBeUnique, "decision number used twice", column="decision_number"),
        ]
    return out


def _show(value) -> str:
    """A cell as the service typed it: 2031, not 2031.0; an empty cell as such."""
    if value is None or (isinstance(value, float) and value != value):
        return "(empty)"
    if isinstance(value, pd.Timestamp):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _validation_frame(frame: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    out = frame.copy()
    for col in sheet.columns:
        if col.type == "date":
            out[col.name] = pd.to_datetime(out[col.name])
        elif col.type in ("number", "year"):
            out[col.name] = pd.to_numeric(out[col.name]).astype("float64")
    return out


def check(file: str, kind: str, frames: dict[str, pd.DataFrame], today: date | None = None) -> int:
    """Run the sheets' suites; raise DeliveryError naming every failing sheet, row and column.
    Returns the number of expectations evaluated."""
    import great_expectations as gx

    from quality.gate import _context

    today = today or date.today()
    context = _context()
    source = context.data_sources.add_or_update_pandas("deliveries")
    problems, evaluated = [], 0
    for sheet in KINDS[kind]:
        frame = _validation_frame(frames[sheet.name], sheet)
        if frame.empty:
            continue
        headers = {c.name: c.header for c in sheet.columns}
        asset = next((a for a in source.assets if a.name == sheet.name), None) or source.add_dataframe_asset(sheet.name)
        batch = next((b for b in asset.batch_definitions if b.name == "whole"), None) \
            or asset.add_batch_definition_whole_dataframe("whole")
        suite = context.suites.add_or_update(gx.ExpectationSuite(name=f"delivery_{sheet.name}",
                                                                 expectations=_expectations(sheet.name, frames, today)))
        validation = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"delivery_{sheet.name}", data=batch, suite=suite))
        result = validation.run(batch_parameters={"dataframe": frame}, result_format={
            "result_format": "COMPLETE", "unexpected_index_column_names": ["row_number"]})
        evaluated += len(result.results)
        for r in result.results:
            if r.success:
                continue
            cfg, res = r.expectation_config, r.result or {}
            problem = (cfg.meta or {}).get("problem", cfg.type)
            cols = [cfg.kwargs[k] for k in ("column", "column_A") if cfg.kwargs.get(k)] or cfg.kwargs.get("column_list", [])
            where = f"{file}: sheet '{sheet.name}'"
            index = res.get("unexpected_index_list") or []
            if not index:  # a whole-column expectation (one service per workbook)
                seen = sorted(frame[cols[0]].dropna().unique()) if cols else []
                problems.append(f"{where}, column '{headers.get(cols[0], cols[0]) if cols else ''}': {problem} {seen}")
                continue
            for hit in index[:MAX_ROWS_SHOWN]:
                shown = "; ".join(f"{headers.get(k, k)} = {_show(v)}" for k, v in hit.items() if k != "row_number")
                column = ", ".join(f"'{headers.get(c, c)}'" for c in cols)
                problems.append(f"{where}, row {int(hit['row_number'])}, column {column}: {problem}"
                                + (f" (found: {shown})" if shown else ""))
            if len(index) > MAX_ROWS_SHOWN:
                problems.append(f"{where}: … and {len(index) - MAX_ROWS_SHOWN} more row(s) for: {problem}")
    if problems:
        raise DeliveryError(file, "refused by the delivery gate:\n    - " + "\n    - ".join(problems),
                            "correct the workbook and deliver it again; the data already accepted is unchanged")
    return evaluated

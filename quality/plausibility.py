"""Plausibility against the previous accepted batch of the same dataset: blocking where a number
cannot be right.

The same cell (same commune, column or variable and year) read from two deliveries should barely
move: a producer's revision changes a few percent, a shifted decimal or a wrong unit changes it by
ten. So a count that moves by a factor of 10 or more, or a regional total (the sum over every row)
that moves by more than REGIONAL_SHIFT, refuses the batch with both values. Populations that move
between census vintages are a different question: quality/drift.py warns about those.
"""

from __future__ import annotations

import os

import duckdb

from ingest.catalog import Dataset

JUMP = 10.0  # a factor of ten: a decimal shifted, or thousands read as units
JUMP_FLOOR = 100  # below this, small counts may legitimately move a lot
REGIONAL_SHIFT = 0.10  # a regional total moving more than 10 % between two deliveries of the same cells
OVERRIDE = "BAROMETRE_ACCEPT_IMPLAUSIBLE"


def _cells(schema: str, dataset: Dataset, columns: list[str]) -> str:
    """SQL of (cell, grp, v): one row per comparable cell, named by the dataset's key and column; `grp` is
    what a regional total sums over (the key without the commune, and the column)."""
    rest = [k for k in dataset.key if k != dataset.commune_key]
    selects = []
    for c in columns:
        cell = ", ".join([*dataset.key, f"'{c}'"])
        grp = ", ".join([*rest, f"'{c}'"])
        selects.append(f"SELECT concat_ws(' ', {cell}) AS cell, concat_ws(' ', {grp}) AS grp, "
                       f"try_cast(nullif(nullif(nullif(trim({c}), ''), 's'), 'nd') AS DOUBLE) AS v "
                       f"FROM {schema}.{dataset.name}")
    return " UNION ALL ".join(selects)


def implausible(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> list[str]:
    """What moved implausibly from raw.<dataset> (the previous accepted batch) to landing.<dataset>, in words."""
    if os.environ.get(OVERRIDE) == "1" or not dataset.commune_key:
        return []
    present = {}
    for schema in ("raw", "landing"):
        present[schema] = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            [schema, dataset.name]).fetchall()}
    wanted = ("value",) if dataset.rules else dataset.positive + dataset.non_negative
    columns = [c for c in wanted if c in present["raw"] & present["landing"]]
    if not columns or not set(dataset.key) <= present["raw"] & present["landing"]:
        return []  # no previous batch, or another layout: nothing comparable
    old, new = _cells("raw", dataset, columns), _cells("landing", dataset, columns)
    jumps = con.execute(
        f"""WITH o AS ({old}), n AS ({new})
            SELECT o.cell, o.v, n.v FROM o JOIN n USING (cell)
            WHERE least(o.v, n.v) > 0 AND greatest(o.v, n.v) >= ? AND greatest(o.v, n.v) / least(o.v, n.v) >= ?
            ORDER BY o.cell""", [JUMP_FLOOR, JUMP]).fetchall()
    found = [f"{cell}: {a:g} -> {b:g} (x{b / a:.3g})" for cell, a, b in jumps[:5]]
    if len(jumps) > 5:
        found.append(f"... and {len(jumps) - 5} more")
    totals = con.execute(
        f"""WITH o AS (SELECT grp, sum(v) AS v FROM ({old}) GROUP BY grp), n AS (SELECT grp, sum(v) AS v FROM ({new}) GROUP BY grp)
            SELECT grp, o.v, n.v FROM o JOIN n USING (grp) WHERE o.v > 0 AND abs(n.v / o.v - 1) > ? ORDER BY grp""",
        [REGIONAL_SHIFT]).fetchall()
    found += [f"total of {grp or 'the column'} over the file: {a:,.0f} -> {b:,.0f} ({b / a - 1:+.1%})"
              for grp, a, b in totals[:5]]
    return found

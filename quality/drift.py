"""Drift between vintages: a warning, never a block, because real populations do move.

A commune of the run's EPCIs whose RP2022 population differs from its RP2018 population by more than the
threshold is listed; the run goes on, and the warning is kept in the audit trail and the UI.
"""

from __future__ import annotations

import duckdb

from ingest import settings

THRESHOLD = 0.20


def population_drift(con: duckdb.DuckDBPyConnection, threshold: float = THRESHOLD) -> list[tuple]:
    """(commune, population 2018, population 2022, relative change) beyond the threshold."""
    scope = settings.territories()
    return con.execute(
        """SELECT n.CODGEO, o.pop18, n.pop22, round(n.pop22 / o.pop18 - 1, 3) AS change
           FROM (SELECT CODGEO, try_cast(P22_POP AS DOUBLE) AS pop22 FROM landing.insee_comparateur_2025) n
           JOIN (SELECT CODGEO, try_cast(P18_POP AS DOUBLE) AS pop18 FROM raw.insee_comparateur_2021) o USING (CODGEO)
           JOIN raw.geo_appartenance_2022 g ON g.CODGEO = n.CODGEO AND (? OR list_contains(?, g.EPCI))
           WHERE o.pop18 > 0 AND abs(n.pop22 / o.pop18 - 1) > ?
           ORDER BY abs(n.pop22 / o.pop18 - 1) DESC""",
        [scope == settings.ALL, [] if scope == settings.ALL else scope, threshold],
    ).fetchall()

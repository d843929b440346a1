"""IDH-4: an independent recomputation of a few units from the raw inputs, and the method's properties."""

import math

import duckdb
import pandas as pd
import pytest

from ingest.settings import EMBEDDED_DIR

CENSUS_GROUPS = {"POP0014": (0, 14), "POP1529": (15, 29), "POP3044": (30, 44), "POP4559": (45, 59),
                 "POP6074": (60, 74), "POP7589": (75, 89), "POP90P": (90, 200)}


@pytest.fixture
def con(pipeline_home):
    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as c:
        yield c


def reference_rates() -> dict[str, float]:
    """Pooled 2018-2021 France métropolitaine rates per census group, written out by hand."""
    mx = pd.read_csv(EMBEDDED_DIR / "hmd_france_total_mx_1x1_2000_2021.csv")
    mx = mx[mx.sex == "total"]
    pop = pd.read_csv(EMBEDDED_DIR / "insee_estim_pop_age_quinquennal_france_hdf_2018_2021.csv", dtype={"geo_code": str})
    pop = pop[(pop.geo_code == "FRANCE_METRO") & (pop.sex == "ensemble")]
    num, den = {g: 0.0 for g in CENSUS_GROUPS}, {g: 0.0 for g in CENSUS_GROUPS}
    for _, row in pop.iterrows():
        for start in range(0, 100, 5):
            col = f"pop_{start}_{start + 4}" if start < 95 else "pop_95P"
            ages = range(start, start + 5)  # 95+ takes ages 95-99
            m = mx[(mx.year == row.year) & mx.age.isin(ages)].value.mean()
            group = next(g for g, (lo, hi) in CENSUS_GROUPS.items() if lo <= start <= hi)
            num[group] += row[col] * m
            den[group] += row[col]
    return {g: num[g] / den[g] for g in CENSUS_GROUPS}


def test_denain_by_hand(con):
    rates = reference_rates()
    geo = pd.read_csv(EMBEDDED_DIR / "appartenance_geo_2022_communes_hdf.csv", dtype=str)
    members = set(geo[geo.CV == "5914"].CODGEO)  # Denain's pseudo-canton
    ages = pd.read_csv(EMBEDDED_DIR / "dossier_complet_extract_communes_hdf.csv", dtype={"CODGEO": str})
    comp = pd.read_csv(EMBEDDED_DIR / "base_comparateur_2025_communes_hdf.csv", dtype={"CODGEO": str})
    ages, comp = ages[ages.CODGEO.isin(members)], comp[comp.CODGEO.isin(members)]
    expected = sum(ages[f"P22_{g}"].sum() * r * 6 for g, r in rates.items())  # 6 years of deaths, 2016-2021
    observed = comp.DECE1621.sum()
    icm = 100 * observed / expected

    row = con.execute("SELECT icm, health_index, health_min, health_max, education_x, education_index, education_min, "
                      "education_max, income_x, income_index, income_min, income_max, idh4 FROM marts.idh4 WHERE "
                      "territory_code = '59172' AND vintage = 2021 AND bounds_method = 'observed'").df().iloc[0]
    assert row.icm == pytest.approx(icm, rel=1e-9)
    # Health: 1 - (ICM - min) / (max - min)
    health = 1 - (icm - row.health_min) / (row.health_max - row.health_min)
    # Education: x = 100 - % with no diploma or at most the CEP, RP2023, every commune of the region
    dipl = pd.read_csv(EMBEDDED_DIR / "insee_diplomas_rp2017_rp2023_communes_hdf.csv", dtype={"GEO": str})
    dipl = dipl[dipl.TIME_PERIOD == 2023]
    by = dipl.groupby("GEO")
    x_all = 100 - 100 * by.apply(lambda d: d.loc[d.EDUC == "001T100_RP", "OBS_VALUE"].sum() / d.OBS_VALUE.sum())
    x = x_all["59172"]
    assert x == pytest.approx(100 - 34.8, abs=0.05)  # PROVENANCE §22: 34.8 % in 2023
    assert (row.education_x, row.education_min, row.education_max) == pytest.approx((x, x_all.min(), x_all.max()))
    education = (x - x_all.min()) / (x_all.max() - x_all.min())
    # Standard of living: (ln 14,890 - ln min) / (ln max - ln min)
    assert row.income_x == 14_890
    income = (math.log(14_890) - math.log(row.income_min)) / (math.log(row.income_max) - math.log(row.income_min))
    assert (row.health_index, row.education_index, row.income_index) == pytest.approx((health, education, income))
    assert row.idh4 == pytest.approx((health + education + income) / 3)
    lowest = con.execute("SELECT territory_code FROM marts.idh4 WHERE territory_level = 'commune' AND vintage = 2021 "
                         "AND bounds_method = 'observed' ORDER BY idh4 LIMIT 1").fetchone()[0]
    assert lowest == "59172" and 0 < row.idh4 < 0.3  # Denain: the lowest IDH-4 of the EPCI


def test_bounds_give_one_to_the_best_and_zero_to_the_worst(con):
    for column in ("health_index", "education_index", "income_index"):
        lo, hi = con.execute(f"SELECT min({column}), max({column}) FROM intermediate.int_idh4_commune "
                             "WHERE bounds_method = 'observed' AND vintage = 2021").fetchone()
        assert lo == pytest.approx(0, abs=1e-12) and hi == pytest.approx(1, abs=1e-12), column
    # Fixed bounds come from RP2017 and Filosofi 2019: the T-1 indices span exactly 0..1, T may not.
    for column in ("education_index", "income_index"):
        lo, hi = con.execute(f"SELECT min({column}), max({column}) FROM intermediate.int_idh4_commune "
                             "WHERE bounds_method = 'fixed' AND vintage = 2019").fetchone()
        assert (lo, hi) == pytest.approx((0, 1)), column


def test_every_commune_has_an_idh4_and_missing_inputs_say_why(con):
    n = con.execute("SELECT count(*) FILTER (WHERE idh4 IS NOT NULL), count(*) FROM marts.idh4 WHERE "
                    "territory_level = 'commune' AND vintage = 2021 AND bounds_method = 'observed'").fetchone()
    assert n == (47, 47)
    # Mortagne-du-Nord (59418), under 2,000 inhabitants, named by the plan among the five lowest: now measured.
    assert con.execute("SELECT idh4 FROM marts.idh4 WHERE territory_code = '59418' AND vintage = 2021 "
                       "AND bounds_method = 'observed'").fetchone()[0] is not None
    # Across the region, a commune whose median income is secret has no IDH-4, and says why.
    row = con.execute("SELECT idh4, missing_reason FROM intermediate.int_idh4_commune WHERE income_x IS NULL "
                      "AND vintage = 2021 AND bounds_method = 'observed' LIMIT 1").fetchone()
    assert row[0] is None and "secret" in row[1]


def test_aggregates_are_population_weighted_with_their_coverage(con):
    communes = con.execute("SELECT i.idh4, c.population_2022 FROM marts.idh4 i JOIN marts.dim_commune c "
                           "ON c.commune_code = i.territory_code WHERE i.territory_level = 'commune' AND i.vintage = 2021 "
                           "AND i.bounds_method = 'observed' AND i.idh4 IS NOT NULL").fetchall()
    weighted = sum(v * p for v, p in communes) / sum(p for _, p in communes)
    epci = con.execute("SELECT idh4, coverage_flag, communes_included, population_share FROM marts.idh4 WHERE "
                       "territory_level = 'epci' AND vintage = 2021 AND bounds_method = 'observed'").fetchone()
    assert epci[0] == pytest.approx(weighted) and epci[1] == "complete" and epci[2] == 47
    assert epci[3] == pytest.approx(1.0)
    # The region: every commune with the three inputs (a secret median leaves a few out), said so.
    region = con.execute("SELECT idh4, coverage_flag, communes_included, communes_total FROM marts.idh4 WHERE "
                         "territory_level = 'region' AND vintage = 2021 AND bounds_method = 'observed'").fetchone()
    assert region[0] is not None and region[1] == "partial" and region[2] < region[3]

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
    # Education: x = 100 - 38.4 % with no diploma or at most the CEP (RP2018)
    dipl = pd.read_csv(EMBEDDED_DIR / "rp2018_communes_2000plus_hdf_questionr.csv", dtype={"code_insee": str})
    x = 100 - dipl.set_index("code_insee").loc["59172", "dipl_aucun"]
    x_all = 100 - dipl.dipl_aucun
    assert (row.education_min, row.education_max) == pytest.approx((x_all.min(), x_all.max()))
    education = (x - x_all.min()) / (x_all.max() - x_all.min())
    # Standard of living: (ln 14,890 - ln min) / (ln max - ln min)
    assert row.income_x == 14_890
    income = (math.log(14_890) - math.log(row.income_min)) / (math.log(row.income_max) - math.log(row.income_min))
    assert (row.health_index, row.education_index, row.income_index) == pytest.approx((health, education, income))
    assert row.idh4 == pytest.approx((health + education + income) / 3)
    assert 0 < row.idh4 < 0.2  # Denain: the lowest IDH-4 of the EPCI's communes with data


def test_bounds_give_one_to_the_best_and_zero_to_the_worst(con):
    for column in ("health_index", "education_index", "income_index"):
        lo, hi = con.execute(f"SELECT min({column}), max({column}) FROM intermediate.int_idh4_commune "
                             "WHERE bounds_method = 'observed' AND vintage = 2021").fetchone()
        assert lo == pytest.approx(0, abs=1e-12) and hi == pytest.approx(1, abs=1e-12), column
    # Fixed bounds come from Filosofi 2019: the 2019 income index spans exactly 0..1, 2021 may not.
    lo, hi = con.execute("SELECT min(income_index), max(income_index) FROM intermediate.int_idh4_commune "
                         "WHERE bounds_method = 'fixed' AND vintage = 2019").fetchone()
    assert (lo, hi) == pytest.approx((0, 1))


def test_missing_inputs_give_a_missing_idh4_with_the_reason(con):
    # Nivelle (59434) had fewer than 2,000 inhabitants in 2018: no diploma data.
    row = con.execute("SELECT education_index, idh4, missing_reason FROM marts.idh4 WHERE territory_code = '59434' "
                      "AND vintage = 2021 AND bounds_method = 'observed'").fetchone()
    assert row[0] is None and row[1] is None and "moins de 2 000 habitants" in row[2]
    n = con.execute("SELECT count(*) FILTER (WHERE idh4 IS NOT NULL), count(*) FROM marts.idh4 WHERE "
                    "territory_level = 'commune' AND vintage = 2021 AND bounds_method = 'observed'").fetchone()
    assert n == (21, 47)


def test_epci_aggregate_is_population_weighted_and_flagged_partial(con):
    communes = con.execute("SELECT i.idh4, c.population_2022 FROM marts.idh4 i JOIN marts.dim_commune c "
                           "ON c.commune_code = i.territory_code WHERE i.territory_level = 'commune' AND i.vintage = 2021 "
                           "AND i.bounds_method = 'observed' AND i.idh4 IS NOT NULL").fetchall()
    weighted = sum(v * p for v, p in communes) / sum(p for _, p in communes)
    epci = con.execute("SELECT idh4, coverage_flag, communes_included, population_share FROM marts.idh4 WHERE "
                       "territory_level = 'epci' AND vintage = 2021 AND bounds_method = 'observed'").fetchone()
    assert epci[0] == pytest.approx(weighted) and epci[1] == "partial" and epci[2] == 21
    assert epci[3] == pytest.approx(sum(p for _, p in communes) / 158_351)
    fct = con.execute("SELECT value, quality_flag FROM marts.fct_indicator_value WHERE territory_level = 'epci' "
                      "AND indicator_id = 'idh4' AND year = 2021").fetchone()
    assert fct[1] == "partial" and fct[0] is not None

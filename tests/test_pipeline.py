"""Integration: the whole graph materialised into a temporary BAROMETRE_HOME, real values asserted."""

import hashlib
import json

import duckdb
import pandas as pd
import pytest

from ingest import settings
from ingest.catalog import DATASETS


@pytest.fixture
def con(pipeline_home):
    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as c:
        yield c


def value(con, level, code, indicator, year, basis=None):
    sql = ("SELECT value FROM marts.fct_indicator_value WHERE territory_level = ? AND territory_code = ? "
           "AND indicator_id = ? AND year = ?")
    params = [level, code, indicator, year]
    if basis:
        sql += " AND basis = ?"
        params.append(basis)
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


def test_dim_commune_has_the_47_communes(con):
    rows = con.execute("SELECT count(*), count(DISTINCT commune_code), sum(population_2022), "
                       "count(commune_siren) FROM marts.dim_commune").fetchone()
    assert rows == (47, 47, 158_351, 47)


def test_epci_population_and_rates_are_recomputed_from_sums(con):
    assert value(con, "epci", "200042190", "population", 2022) == 158_351
    assert value(con, "epci", "200042190", "population", 2016) == 158_789
    assert value(con, "epci", "200042190", "taux_chomage_15_64", 2022) == pytest.approx(17.6, abs=0.05)
    assert value(con, "epci", "200042190", "taux_chomage_15_64", 2018) == pytest.approx(20.2, abs=0.05)
    # The EPCI rate is the ratio of summed counts, not the mean of the 47 commune rates.
    mean_of_rates = con.execute("SELECT avg(value) FROM marts.fct_indicator_value WHERE territory_level = 'commune' "
                                "AND indicator_id = 'taux_chomage_15_64' AND year = 2022").fetchone()[0]
    assert abs(mean_of_rates - 17.65) > 0.3
    assert value(con, "epci", "200042190", "taux_activite_15_64", 2022) == pytest.approx(70.9, abs=0.05)
    assert value(con, "epci", "200042190", "part_logements_vacants", 2022) == pytest.approx(8.1, abs=0.05)
    assert value(con, "epci", "200042190", "part_familles_monoparentales", 2022) == pytest.approx(19.0, abs=0.05)
    assert value(con, "epci", "200042190", "part_60_ans_plus", 2022) == pytest.approx(24.2, abs=0.05)


def test_denain(con):
    assert value(con, "commune", "59172", "niveau_vie_median", 2021) == 14_890
    assert value(con, "commune", "59172", "taux_pauvrete", 2021) == 43
    assert value(con, "commune", "59172", "taux_chomage_15_64", 2022) == pytest.approx(31.9, abs=0.05)


def test_comparison_territories_and_their_flags(con):
    # Nord and the region from full commune coverage: computed.
    assert value(con, "departement", "59", "population", 2018, "computed") == 2_606_234
    assert value(con, "region", "32", "population", 2022, "computed") == 5_998_916
    assert value(con, "departement", "59", "taux_chomage_15_64", 2018, "computed") == pytest.approx(17.16, abs=0.005)
    # France for RP2018 from the sums over every French commune.
    assert value(con, "france", "FR", "population", 2018, "computed") == 66_732_538
    # Published values keep their URL and are never labelled computed.
    pub = con.execute("SELECT value, source_url FROM marts.fct_indicator_value WHERE basis = 'published' "
                      "AND territory_level = 'region' AND indicator_id = 'taux_pauvrete' AND year = 2018").fetchall()
    assert pub == [(18.0, pub[0][1])] and pub[0][1].startswith("http")
    # A median is never averaged: the EPCI has a row that says so, without a number.
    row = con.execute("SELECT value, basis, quality_flag, note FROM marts.fct_indicator_value WHERE territory_level = "
                      "'epci' AND indicator_id = 'niveau_vie_median' AND year = 2021").fetchone()
    assert row[0] is None and row[1] == "not_computable" and row[2] == "not_available" and "médiane" in row[3]


def test_secret_cells_stay_missing(con):
    # Avesnes-le-Sec (59038): TP6021 is 's' in Filosofi 2021.
    row = con.execute("SELECT value, quality_flag FROM marts.fct_indicator_value WHERE territory_code = '59038' "
                      "AND indicator_id = 'taux_pauvrete' AND year = 2021").fetchone()
    assert row == (None, "missing")


def test_engagement_1(con):
    df = con.execute("SELECT * FROM marts.engagement_1").df()
    assert len(df) == 47
    denain = df.set_index("commune_code").loc["59172"]
    assert denain["taux_chomage_15_64__ecart_epci"] == pytest.approx(31.887 - 17.646, abs=0.01)
    assert denain["taux_chomage_15_64__rang"] == 47  # highest unemployment: least favourable
    assert df["besoin_rattrapage_score"].between(0, 100).all()
    assert df.sort_values("besoin_rattrapage_rang").iloc[0]["commune_code"] == "59172"


def test_exports_manifest_and_audit(pipeline_home, con):
    exports = pipeline_home / "exports"
    fct = pd.read_parquet(exports / "fct_indicator_value.parquet")
    assert len(fct) == con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0]
    assert (exports / "engagement_1.csv").read_text(encoding="utf-8").startswith("commune_code,")
    manifests = list((pipeline_home / "raw").glob("*/*/manifest.json"))
    assert len({m.parent.parent.name for m in manifests}) == len(DATASETS)  # bad-input tests add batches, not folders
    for m in manifests:
        meta = json.loads(m.read_text())
        data = m.parent / meta["file"]
        assert hashlib.sha256(data.read_bytes()).hexdigest() == meta["sha256"]
    first_run = "(SELECT run_id FROM audit.check_results ORDER BY checked_at LIMIT 1)"
    gates = con.execute("SELECT count(DISTINCT asset), bool_and(passed) FROM audit.check_results WHERE check_name = "
                        f"'gx_gate' AND run_id = {first_run}").fetchone()
    assert gates == (len(DATASETS), True)
    dbt_tests = con.execute("SELECT count(*), bool_and(passed) FROM audit.check_results WHERE asset = 'dbt' "
                            f"AND run_id = {first_run}").fetchone()
    assert dbt_tests[0] >= 60 and dbt_tests[1]


def test_rerun_with_same_input_duplicates_nothing(pipeline_home):
    from orchestration.cli import execute_refresh, summarise

    def counts():
        with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as c:
            return (c.execute("SELECT count(*) FROM audit.raw_batches").fetchone()[0],
                    c.execute("SELECT count(*) FROM raw.commune_reference").fetchone()[0],
                    c.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0],
                    sorted(p.name for p in settings.raw_dir().glob("*/*") if p.is_dir()))

    before = counts()
    ok, lines = summarise(execute_refresh())
    assert ok, "\n".join(lines)
    assert counts() == before

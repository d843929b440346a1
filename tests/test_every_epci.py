"""Every EPCI of the region in one run (`--territory all`): marts keyed by EPCI, one code path."""

import shutil

import duckdb
import pandas as pd
import pytest

from ingest import settings

ONE = "200042190"  # La Porte du Hainaut: what the session's pipeline run built
VALENCIENNES = "245901160"


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


@pytest.mark.slow  # a whole refresh of the 92 EPCIs: CI runs it
def test_every_epci_of_the_region_in_one_run_keyed_by_epci(pipeline_home, tmp_path, monkeypatch):
    """`--territory all` lands and gates the same files, then builds the marts of the 92 EPCIs in one
    warehouse. La Porte du Hainaut's rows are exactly those of the single-EPCI run (the only extra rows
    are the other départements, shared comparison territories); another EPCI's values are recomputed
    from the raw census file; the plan's own targets and panel grid stay La Porte du Hainaut's."""
    from orchestration.cli import execute_job, summarise

    home = tmp_path / "home"
    shutil.copytree(pipeline_home, home, symlinks=True)
    monkeypatch.setenv("BAROMETRE_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    ok, lines = summarise(execute_job("refresh", {"territory": "all"}))
    assert ok, "\n".join(lines)

    geo = pd.read_csv(settings.EMBEDDED_DIR / "appartenance_geo_2022_communes_hdf.csv", dtype=str)
    geo = geo[geo["EPCI"] != "ZZZZZZZZZ"]
    assert f"  territories: {geo['EPCI'].nunique()} EPCI(s), {len(geo):,} communes (marts keyed by epci_siren)" in lines
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        con.execute(f"ATTACH '{pipeline_home / 'warehouse.duckdb'}' AS one (READ_ONLY)")
        communes = con.execute("SELECT commune_code, epci_siren FROM marts.dim_commune").df()
        assert dict(zip(communes["commune_code"], communes["epci_siren"], strict=True)) == dict(
            zip(geo["CODGEO"], geo["EPCI"], strict=True))

        # one code path: each keyed mart's slice for La Porte du Hainaut is the single-EPCI mart
        keyed = [t for (t,) in con.execute("SELECT table_name FROM duckdb_columns() WHERE database_name = current_database() "
                                           "AND schema_name = 'marts' AND column_name = 'epci_siren' "
                                           "AND table_name != 'epci_peers' ORDER BY 1").fetchall()]
        assert set(keyed) >= {"barometer", "dim_commune", "engagement_1", "engagement_2", "engagement_3",
                              "fct_indicator_value", "idh4"}
        for table in keyed:
            assert _columns(con, f"marts.{table}") == _columns(con, f"one.marts.{table}")
            mine = f"SELECT * FROM marts.{table} WHERE epci_siren = '{ONE}' OR epci_siren IS NULL"
            assert con.execute(f"SELECT count(*) FROM (SELECT * FROM one.marts.{table} EXCEPT ALL {mine})").fetchone()[0] == 0
            extra = con.execute(f"SELECT * FROM ({mine} EXCEPT ALL SELECT * FROM one.marts.{table})").df()
            if len(extra):  # only the other départements of the region, which the single run had no use for
                assert set(extra["territory_level"]) == {"departement"} and "59" not in set(extra["territory_code"]), table
        assert con.execute("SELECT count(DISTINCT epci_siren), count(*) FROM marts.barometer").fetchone() == (
            92, 92 * con.execute("SELECT count(*) FROM one.marts.barometer").fetchone()[0])

        # another EPCI, recomputed from the raw census file: sum of unemployed / sum of the active, 15-64
        census = pd.read_csv(settings.EMBEDDED_DIR / "base_comparateur_2025_communes_hdf.csv", dtype=str)
        members = census[census["CODGEO"].isin(geo.loc[geo["EPCI"] == VALENCIENNES, "CODGEO"])]
        rate = 100 * pd.to_numeric(members["P22_CHOM1564"]).sum() / pd.to_numeric(members["P22_ACT1564"]).sum()
        value = con.execute("SELECT value FROM marts.fct_indicator_value WHERE territory_level = 'epci' AND territory_code = ? "
                            "AND indicator_id = 'taux_chomage_15_64' AND year = 2022", [VALENCIENNES]).fetchone()[0]
        assert value == pytest.approx(rate, abs=1e-9)
        # its communes are compared with their own EPCI and ranked within it
        gaps = con.execute("SELECT taux_chomage_15_64, taux_chomage_15_64__gap_epci, taux_chomage_15_64__rank FROM "
                           "marts.engagement_1 WHERE epci_siren = ?", [VALENCIENNES]).df()
        year = con.execute("SELECT max(year) FROM marts.fct_indicator_value WHERE epci_siren = ? AND territory_level = "
                           "'commune' AND indicator_id = 'taux_chomage_15_64'", [VALENCIENNES]).fetchone()[0]
        epci_value = con.execute("SELECT value FROM marts.fct_indicator_value WHERE territory_level = 'epci' AND "
                                 "territory_code = ? AND indicator_id = 'taux_chomage_15_64' AND year = ?",
                                 [VALENCIENNES, year]).fetchone()[0]
        assert len(gaps) == len(members) == 35
        assert (gaps["taux_chomage_15_64__gap_epci"] - (gaps["taux_chomage_15_64"] - epci_value)).abs().max() < 1e-9
        assert gaps["taux_chomage_15_64__rank"].max() <= 35

        # an EPCI of the Aisne is compared with the Aisne, not the Nord
        aisne = geo.loc[geo["DEP"] == "02", "EPCI"].value_counts().index[0]
        row = con.execute("SELECT b.value_departement, f.value FROM marts.barometer b JOIN marts.fct_indicator_value f "
                          "ON f.territory_level = 'departement' AND f.territory_code = '02' AND f.indicator_id = b.indicator_id "
                          "AND f.year = b.year_t AND f.basis = 'computed' WHERE b.epci_siren = ? "
                          "AND b.indicator_id = 'taux_chomage_15_64'", [aisne]).fetchone()
        assert row is not None and row[0] == row[1]

        # the plan's targets, panel grid and climate plan are La Porte du Hainaut's only
        assert con.execute("SELECT DISTINCT epci_siren FROM marts.barometer WHERE target_value IS NOT NULL "
                           "OR panel_impacts IS NOT NULL").fetchall() == [(ONE,)]
        assert con.execute("SELECT DISTINCT territory_code FROM marts.pcaet_facts WHERE territory_level = 'epci'").fetchall() == [(ONE,)]
        assert con.execute("SELECT count(*) FROM marts.engagement_2 WHERE territory_code = ? AND indicator_id = "
                           "'emissions_co2_territoire' AND availability = 'non disponible'", [VALENCIENNES]).fetchone()[0] == 1

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
    # Latest vintage: RP2023 (PROVENANCE §24), rates recomputed from the file's counts.
    act = _tidy("insee_rp2023_activity_commuting_communes_nord.csv", year=2023)
    members = _members()
    rate = lambda c: act.loc[(c, "pop_15_64_chomeurs")] / (act.loc[(c, "pop_15_64_chomeurs")] + act.loc[(c, "pop_15_64_en_emploi")])
    epci = (sum(act.loc[(c, "pop_15_64_chomeurs")] for c in members)
            / sum(act.loc[(c, "pop_15_64_chomeurs")] + act.loc[(c, "pop_15_64_en_emploi")] for c in members))
    assert denain["taux_chomage_15_64"] == pytest.approx(100 * rate("59172"), abs=1e-9)
    assert denain["taux_chomage_15_64__gap_epci"] == pytest.approx(100 * (rate("59172") - epci), abs=1e-9)
    assert denain["taux_chomage_15_64__rank"] == 47  # highest unemployment: least favourable
    assert df["catch_up_need_score"].between(0, 100).all()
    assert df.sort_values("catch_up_need_rank").iloc[0]["commune_code"] == "59172"


def _members() -> list[str]:
    geo = pd.read_csv(settings.EMBEDDED_DIR / "appartenance_geo_2022_communes_hdf.csv", dtype=str)
    return sorted(geo.loc[geo["EPCI"] == "200042190", "CODGEO"])


def _tidy(file: str, year: int | None = None) -> pd.Series:
    df = pd.read_csv(settings.EMBEDDED_DIR / file, dtype={"geo_code": str})
    if year is not None:
        df = df[df["year"] == year]
    return df[df["geo_level"] == "COM"].set_index(["geo_code", "variable"])["value"]


def test_new_indicators_recomputed_from_the_raw_files(con):
    members = _members()
    # ENV3: electricity + gas, all sectors (transmission-grid customers included, as the label says), 2024
    ore = _tidy("ore_energy_consumption_2024_communes_nord.csv")
    total = sum(ore.get((c, v), 0) for c in members for v in ("conso_elec_tous_secteurs_mwh", "conso_gaz_tous_secteurs_mwh"))
    assert value(con, "epci", "200042190", "consommation_elec_gaz_tous_secteurs", 2024) == pytest.approx(total)
    flag = con.execute("SELECT quality_flag FROM marts.fct_indicator_value WHERE territory_level = 'epci' "
                       "AND indicator_id = 'consommation_elec_gaz_tous_secteurs' AND year = 2024").fetchone()[0]
    secret = sum(ore.get((c, v), 0) for c in members for v in ("nb_mailles_secretisees_elec", "nb_mailles_secretisees_gaz"))
    assert flag == ("minimum" if secret > 0 else "ok")
    # CDV1: share of F and G labels among the DPE since July 2021
    dpe = _tidy("ademe_dpe_labels_2026_communes_nord.csv")
    fg = sum(dpe[(c, f"dpe_nb_diagnostics_etiquette_{x}")] for c in members for x in "fg")
    alls = sum(dpe[(c, f"dpe_nb_diagnostics_etiquette_{x}")] for c in members for x in "abcdefg")
    assert value(con, "epci", "200042190", "part_dpe_f_g", 2026) == pytest.approx(100 * fg / alls)
    # GOV3: diploma above the CEP, RP2017 and RP2023, every commune of the EPCI
    dip = pd.read_csv(settings.EMBEDDED_DIR / "insee_diplomas_rp2017_rp2023_communes_hdf.csv", dtype={"GEO": str})
    for year in (2017, 2023):
        d = dip[dip["GEO"].isin(members) & (dip["TIME_PERIOD"] == year)]
        share = 100 * (1 - d.loc[d["EDUC"] == "001T100_RP", "OBS_VALUE"].sum() / d["OBS_VALUE"].sum())
        assert value(con, "epci", "200042190", "part_diplome_superieur_cep", year) == pytest.approx(share)
    # ENV6: land take cumulated since 2021, and the ZAN envelope = half of 2011-2020
    land = _tidy("cerema_land_take_2011_2024_communes_nord.csv")
    since = sum(land.get((c, "conso_enaf_2021_2024_ha"), 0) for c in members)
    assert value(con, "epci", "200042190", "conso_espaces_naf_cumul_2021", 2024) == pytest.approx(since, abs=0.05)
    ref = sum(land[(c, "conso_enaf_2011_2020_ha")] for c in members)
    target = con.execute("SELECT target_value, trajectory_value FROM marts.barometer "
                         "WHERE indicator_id = 'conso_espaces_naf_cumul_2021'").fetchone()
    assert target[0] == pytest.approx(ref / 2) and target[1] == pytest.approx(ref / 2 * 4 / 10)


def test_small_numbers_are_flagged_and_not_ranked(con):
    rows = con.execute("SELECT territory_code, denominator, note FROM marts.fct_indicator_value WHERE "
                       "territory_level = 'commune' AND indicator_id = 'taux_chomage_15_24' AND quality_flag = 'small_numbers'").fetchall()
    assert rows and all(d < 50 for _, d, _ in rows) and all("petits effectifs" in n for _, _, n in rows)
    ranks = dict(con.execute("SELECT commune_code, taux_chomage_15_24__rank FROM marts.engagement_1").fetchall())
    assert all(ranks[c] is None for c, _, _ in rows)
    assert sum(r is not None for r in ranks.values()) == 47 - len(rows)


def test_idh4_covers_every_commune_with_a_trend(con):
    n = con.execute("SELECT count(idh4), count(DISTINCT territory_code) FROM marts.idh4 WHERE territory_level = 'commune' "
                    "AND bounds_method = 'fixed' AND vintage = 2021").fetchone()
    assert n == (47, 47)
    row = con.execute("SELECT year_t, year_t1, trend FROM marts.barometer WHERE indicator_id = 'idh4_education'").fetchone()
    assert row[:2] == (2023, 2017) and row[2] in ("amélioration", "dégradation", "stable")
    # aggregates cover the same communes for the composite and its parts
    agg = con.execute("SELECT communes_included FROM marts.idh4 WHERE territory_level = 'epci' AND vintage = 2021").fetchall()
    assert {r[0] for r in agg} == {47}


def test_every_criterion_with_a_source_is_measured(con):
    rows = con.execute("SELECT criterion_id, count(*) FILTER (WHERE value_t IS NOT NULL) FROM marts.barometer "
                       "GROUP BY ALL ORDER BY 1").fetchall()
    unmeasured = {c for c, n in rows if n == 0}
    assert unmeasured == {"CDV4", "ENV2", "ENV7", "GOV1", "GOV5"}
    gaps = dict(con.execute("SELECT criterion_id, any_value(candidate_source) FROM marts.barometer GROUP BY ALL").fetchall())
    assert all(gaps[c] for c in unmeasured)  # each says which source would serve


def test_exports_manifest_and_audit(pipeline_home, con):
    exports = pipeline_home / "exports"
    docs = pipeline_home / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site"
    assert (docs / "index.html").exists() and len(list(docs.rglob("*.html"))) > len(DATASETS)  # one page per gate result
    from orchestration.docs import REMOTE  # offline: every script and style comes from the site itself

    assert not [p.name for p in docs.rglob("*.html") if REMOTE.search(p.read_text(encoding="utf-8"))]
    assert '<script src="static/vendor/bootstrap-table.min.js">' in (docs / "index.html").read_text(encoding="utf-8")
    fct = pd.read_parquet(exports / "fct_indicator_value.parquet")
    assert len(fct) == con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0]
    assert (exports / "engagement_1.csv").read_text(encoding="utf-8").startswith("commune_code,")
    manifests = [m for m in (pipeline_home / "raw").glob("*/*/manifest.json") if m.parent.parent.name != "deliveries"]
    assert len({m.parent.parent.name for m in manifests}) == len(DATASETS)  # bad-input tests add batches, not folders
    delivered = list((pipeline_home / "raw" / "deliveries").glob("*/manifest.json"))  # the services' example
    assert len(delivered) == 3 and all((m.parent / json.loads(m.read_text())["file"]).exists() for m in delivered)
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


def test_a_warm_run_skips_everything_and_says_why(pipeline_home, capsys, monkeypatch):
    """Nothing changed since the recorded refresh: `barometre run` skips every asset, touches neither
    the warehouse nor the exports, and says why; any change of code, setting or input file rebuilds."""
    from orchestration import up_to_date
    from orchestration.cli import main

    current = up_to_date.fingerprint()
    up_to_date.record(current, "the-session-run", 103)
    stamps = lambda: [p.stat().st_mtime_ns for p in (pipeline_home / "warehouse.duckdb",
                                                      *sorted((pipeline_home / "exports").iterdir()))]
    before = stamps()
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "Run skipped: up to date" in out and "skipped: 103 assets, nothing changed since run the-session-run" in out
    assert stamps() == before
    assert current["files"] > 100  # code, snapshot and inbox files, each by its sha256
    monkeypatch.setenv("BAROMETRE_CYCLE", "2027")  # a setting changed: not up to date any more
    assert up_to_date.last_if_unchanged(up_to_date.fingerprint()) is None
    monkeypatch.delenv("BAROMETRE_CYCLE")
    inbox_file = pipeline_home / "inbox" / "roadmaps" / "new.csv"
    inbox_file.write_text("x")  # a new delivery: not up to date either
    try:
        assert up_to_date.last_if_unchanged(up_to_date.fingerprint()) is None
    finally:
        inbox_file.unlink()


def test_another_epci_is_not_refused_for_la_porte_du_hainauts_own_file(pipeline_home, monkeypatch):
    """The commune reference (PROVENANCE §1) covers La Porte du Hainaut only: for another EPCI of the
    region it is not a missing-communes failure, while for La Porte du Hainaut it still must cover all 47."""
    from ingest import landing, warehouse
    from ingest.catalog import COMMUNES
    from quality import gate

    shipped = settings.EMBEDDED_DIR / COMMUNES.file  # the good file (earlier tests may have landed bad ones)
    batch = landing.land(COMMUNES, shipped.read_bytes(), f"ingest/embedded/{COMMUNES.file}", "embedded")
    with warehouse.connect() as con:
        landing.load_landing(con, COMMUNES, batch)
        monkeypatch.setenv("BAROMETRE_TERRITORY", "245901160")  # Valenciennes Métropole, 35 communes
        members = gate.territory_members(con)
        other = gate.run_gate(con, COMMUNES, "test-other-epci")
        monkeypatch.setenv("BAROMETRE_TERRITORY", "200042190")
        own = gate.run_gate(con, COMMUNES, "test-own-epci")
    assert len(members) == 35 and not set(members) & set(pd.read_csv(
        settings.EMBEDDED_DIR / "communes_caph.csv", dtype=str)["code_insee"])
    assert other.passed and own.passed and own.evaluated == other.evaluated + 1  # + the 47 members' coverage


def test_peers_rank_every_epci_of_the_region_on_one_code_path(con):
    """Every EPCI of the region against its peers (same kind, same size class): classes recomputed from
    the raw geography and census files; La Porte du Hainaut's rank recomputed from its peers' values;
    its own value is the fact table's (one code path for one EPCI and for all)."""
    peers = con.execute("SELECT * FROM marts.epci_peers").df()
    geo = pd.read_csv(settings.EMBEDDED_DIR / "appartenance_geo_2022_communes_hdf.csv", dtype=str)
    census = pd.read_csv(settings.EMBEDDED_DIR / "base_comparateur_2025_communes_hdf.csv", dtype=str)
    census["pop"] = pd.to_numeric(census["P22_POP"], errors="coerce")
    epcis = geo[geo["EPCI"] != "ZZZZZZZZZ"].merge(census[["CODGEO", "pop"]], on="CODGEO").groupby("EPCI").agg(
        nature=("NATURE_EPCI", "first"), pop=("pop", "sum"))
    assert peers["epci_siren"].nunique() == len(epcis) == 92
    bounds = [(50_000, "moins de 50 000 habitants"), (100_000, "50 000 à 100 000 habitants"),
              (200_000, "100 000 à 200 000 habitants"), (float("inf"), "200 000 habitants ou plus")]
    classes = {e: next(label for top, label in bounds if p < top) for e, p in epcis["pop"].items()}
    assert (peers["size_class"] == peers["epci_siren"].map(classes)).all()
    assert epcis.loc["200042190", "pop"] == 158_351 and classes["200042190"] == "100 000 à 200 000 habitants"
    for indicator, lower_is_better in (("taux_chomage_15_64", True), ("idh4", False)):
        rows = peers[peers["indicator_id"] == indicator]
        me = rows[rows["is_territory"]].iloc[0]
        group = rows[(rows["epci_nature"] == me["epci_nature"]) & (rows["size_class"] == me["size_class"])]
        better = (group["value"] < me["value"]) if lower_is_better else (group["value"] > me["value"])
        assert (me["rank_among_peers"], me["peers"]) == (1 + better.sum(), len(group))
        assert (group["epci_nature"] == "CA").all()
    fct = con.execute("SELECT value FROM marts.fct_indicator_value WHERE territory_level = 'epci' AND basis = 'computed' "
                      "AND indicator_id = 'taux_chomage_15_64' AND year = 2023").fetchone()[0]
    assert peers.query("is_territory and indicator_id == 'taux_chomage_15_64'")["value"].iloc[0] == fct


def test_table_assets_carry_row_counts_column_schemas_and_a_preview(pipeline_home, con):
    """What the UI shows of a table: its row count and columns, as readers see them (schema marts)."""
    import dagster as dg

    from orchestration.instance import ensure_dagster_home

    ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        for key, table in ((["marts", "fct_indicator_value"], "marts.fct_indicator_value"),
                           (["staging", "stg_insee__filosofi_2021"], "staging.stg_insee__filosofi_2021")):
            metadata = instance.get_latest_materialization_event(dg.AssetKey(key)).asset_materialization.metadata
            assert metadata["dagster/row_count"].value == con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            columns = metadata["dagster/column_schema"].schema.columns
            assert [c.name for c in columns] == [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            if key[0] == "marts":  # types from the warehouse, descriptions from the dbt YAML
                value = next(c for c in columns if c.name == "value")
                assert value.type == "double" and "jamais" in value.description
        # every table asset: the raw tables as delivered (text columns; the latest batch, which other tests vary)
        raw = instance.get_latest_materialization_event(dg.AssetKey(["raw", "insee_filosofi_2021"])).asset_materialization
        landed = "landing.insee_filosofi_2021"
        assert raw.metadata["dagster/row_count"].value == con.execute(f"SELECT count(*) FROM {landed}").fetchone()[0]
        assert [c.name for c in raw.metadata["dagster/column_schema"].schema.columns] == [
            r[0] for r in con.execute(f"DESCRIBE {landed}").fetchall()]
        for key in (["raw", "previous_barometer"], ["raw", "roadmap_actions"]):
            assert "dagster/row_count" in instance.get_latest_materialization_event(dg.AssetKey(key)).asset_materialization.metadata
        # a preview of the barometer: one Markdown row per indicator of the cycle
        barometer = instance.get_latest_materialization_event(dg.AssetKey(["marts", "barometer"])).asset_materialization
        preview = barometer.metadata["preview"].value
        assert preview.count("\n| ") == con.execute("SELECT count(*) FROM marts.barometer WHERE indicator_id IS NOT NULL "
                                                    "AND cycle = (SELECT max(cycle) FROM marts.barometer)").fetchone()[0]


def test_the_data_dictionary_builds_offline(pipeline_home, tmp_path, monkeypatch):
    """`barometre docs`: one self-contained page describing the marts; without a warehouse, a message at once."""
    import time

    from orchestration import docs

    page = docs.build(tmp_path / "docs")
    text = page.read_text(encoding="utf-8")
    assert "fct_indicator_value" in text and "jamais 0 par d" in text  # the marts and their French descriptions
    assert not docs.REMOTE.search(text)
    # it describes what readers read (schema marts), not the build's candidate schema
    assert '\\"marts\\".\\"fct_indicator_value' in text and '\\"marts_candidate\\"' not in text
    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path / "empty"))
    started = time.monotonic()
    with pytest.raises(ValueError, match="no warehouse at .* Run `make run`"):
        docs.build(tmp_path / "docs2")
    assert time.monotonic() - started < 5

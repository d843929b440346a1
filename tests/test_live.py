"""Live mode against a loopback server replaying the real endpoint formats (never the internet)."""

import io
import zipfile

import duckdb
import pandas as pd
import pytest

from ingest import http, live, melodi, settings
from ingest.catalog import COMMUNES, COMPARATEUR_2025, DIPLOMAS, ODRE_PRODUCTION, ORE_CONSO
from ingest.errors import SourceError
from tests import live_server
from tests.live_server import Replay, serve


@pytest.fixture
def replay(tmp_path, monkeypatch):
    rp = Replay()
    server = serve(rp)
    base = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BAROMETRE_GEO_API", f"{base}/geo")
    monkeypatch.setenv("BAROMETRE_MELODI_API", f"{base}/melodi")
    monkeypatch.setenv("BAROMETRE_INSEE_FILES", f"{base}/files")
    monkeypatch.setenv("BAROMETRE_ORE_API", f"{base}/ore")
    monkeypatch.setenv("BAROMETRE_ODRE_API", f"{base}/odre")
    monkeypatch.setenv("BAROMETRE_HTTP_PER_MINUTE", "6000")
    monkeypatch.setenv("BAROMETRE_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("BAROMETRE_HTTP_RETRIES", "2")
    http.failed.clear()  # each test is a new run
    yield rp
    server.shutdown()


def test_429_then_200_is_retried_after_retry_after(replay):
    path = "/geo/epcis/200042190/communes"
    replay.faults[path] = "429-once"
    payload, origin = live.commune_reference(COMMUNES)
    assert replay.hits[path] == 2
    lines = payload.decode().splitlines()
    assert lines[0].startswith("code_insee,nom,siren") and len(lines) == 48
    assert "59172,Denain,215901729" in payload.decode() or "59172,Denain," in payload.decode()


def _table(payload: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(payload), dtype=str, keep_default_na=False)


def test_populations_come_from_populations_historiques_in_one_request(replay):
    payload, _ = live.commune_reference(COMMUNES)
    df = _table(payload).set_index("code_insee")
    embedded = pd.read_csv(settings.EMBEDDED_DIR / COMMUNES.file, dtype=str).set_index("code_insee")
    for column in live.POPULATION_COLUMNS.values():
        assert (df[column] == embedded.loc[df.index, column]).all(), column
    assert df.loc["59172", "population_pkg4_1_0_cog2024_src8290591"] == "20622"  # RP2022 legal population
    assert replay.hits["/melodi/data/DS_POPULATIONS_HISTORIQUES"] == 1
    assert replay.queries["/melodi/data/DS_POPULATIONS_HISTORIQUES"][0]["GEO"] == ["EPCI-200042190*COM"]
    # The old per-commune calls to DS_POPULATIONS_REFERENCE (latest vintage only) are gone.
    assert replay.hits["/melodi/data/DS_POPULATIONS_REFERENCE"] == 0


def test_melodi_paging_follows_next(replay):
    replay.page_size = 40  # 47 communes x 3 years = 141 observations: 4 pages
    df = melodi.observations("DS_POPULATIONS_HISTORIQUES", GEO="EPCI-200042190*COM", POPREF_MEASURE="PMUN")
    assert len(df) == 141 and df["GEO_CODE"].nunique() == 47
    assert replay.hits["/melodi/data/DS_POPULATIONS_HISTORIQUES"] == 4


def test_unknown_melodi_dataset_is_a_500_that_is_not_retried(replay):
    with pytest.raises(SourceError) as err:
        melodi.observations("DS_NO_SUCH_DATASET", GEO="COM-59172")
    assert "unknown dataset" in str(err.value) and "retry later" not in str(err.value).lower()
    assert replay.hits["/melodi/data/DS_NO_SUCH_DATASET"] == 1


def test_persistent_500_fails_clearly_after_retries(replay):
    path = "/files/2521169/base_cc_comparateur_csv.zip"
    replay.faults[path] = "500"
    with pytest.raises(SourceError) as err:
        live.bulk_csv(COMPARATEUR_2025)
    assert "HTTP 500" in str(err.value) and "base_cc_comparateur_csv.zip" in str(err.value)
    assert replay.hits[path] == 3  # first try + 2 retries


def test_an_answer_that_never_comes_ends_at_the_read_timeout(replay, monkeypatch):
    monkeypatch.setenv("BAROMETRE_HTTP_TIMEOUT", "0.5")
    path = f"/ore/data-fair/api/v1/datasets/{live.ORE_DATASET}/values_agg"
    replay.faults[path] = "hang:3"
    with pytest.raises(SourceError) as err:
        live.ore_consumption(ORE_CONSO)
    assert "values_agg" in str(err.value) and "timed out" in str(err.value).lower()
    assert replay.hits[path] == 3  # first try + 2 retries, each cut at the read timeout


def test_truncated_body_is_refused(replay):
    path = "/geo/epcis/200042190/communes"
    replay.faults[path] = "truncated"
    with pytest.raises(SourceError) as err:
        live.commune_reference(COMMUNES)
    assert "truncated" in str(err.value)


def test_renamed_field_is_named(replay):
    replay.faults["/geo/epcis/200042190/communes"] = "rename:codeDepartement:departementCode"
    with pytest.raises(SourceError) as err:
        live.commune_reference(COMMUNES)
    assert "codeDepartement" in str(err.value) and "renamed" in str(err.value)


def test_bulk_zip_is_converted_to_the_snapshot_format(replay):
    # The zip lists meta_base_cc_comparateur.csv first: only the exact member name may be read.
    payload, origin = live.bulk_csv(COMPARATEUR_2025)
    embedded = (live.settings.EMBEDDED_DIR / COMPARATEUR_2025.file).read_text(encoding="utf-8")
    got = payload.decode().splitlines()
    want = embedded.splitlines()
    assert got[0] == want[0] and len(got) == len(want)
    denain_got = next(line for line in got if line.startswith("59172,"))
    denain_want = next(line for line in want if line.startswith("59172,"))
    assert [float(x) if x not in ("", "s") else x for x in denain_got.split(",")[1:]] == \
           [float(x) if x not in ("", "s") else x for x in denain_want.split(",")[1:]]
    assert origin.endswith("base_cc_comparateur_csv.zip")


def test_a_newer_insee_edition_is_named_not_misread(replay):
    path = "/files/" + live.BULK["insee_comparateur_2025"][0]
    zipped = live_server._insee_zip("insee_comparateur_2025")
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        text = z.read("base_cc_comparateur.csv").decode().replace("P22_", "P23_")
    replay.routes[path] = lambda q: live_server._zip([("base_cc_comparateur.csv", text)])
    with pytest.raises(SourceError) as err:
        live.bulk_csv(COMPARATEUR_2025)
    assert "RP2023 edition" in str(err.value) and "not RP2022" in str(err.value)


def test_diplomas_follow_the_catalogue_to_the_current_edition(replay):
    replay.diploma_edition = 2024  # the catalogue now names DS_RP_DIPLOMES_PRINC_2024_CSV_FR
    payload, origin = live.melodi_diplomas(DIPLOMAS)
    assert "DS_RP_DIPLOMES_PRINC_2024_CSV_FR" in origin and "DS_RP_DIPLOMES_PRINC_2024_data.csv" in origin
    df = _table(payload)
    assert list(df.columns) == list(DIPLOMAS.required)
    embedded = pd.read_csv(settings.EMBEDDED_DIR / DIPLOMAS.file, dtype=str)
    assert set(df["GEO_OBJECT"]) == {"COM"} and df["GEO"].nunique() == embedded["GEO"].nunique() + 2
    # Merged communes (OBS_STATUS K) come without a value, never 0; EDUC '_T' is kept for the denominator.
    assert (df.loc[df["GEO"] == "59070", "OBS_VALUE"] == "").all()
    denain = df[(df["GEO"] == "59172") & (df["TIME_PERIOD"] == "2023")].set_index("EDUC")["OBS_VALUE"].astype(float)
    assert denain["_T"] == pytest.approx(denain.drop("_T").sum(), abs=0.1)
    assert replay.hits["/melodi/catalog/DS_RP_DIPLOMES_PRINC"] == 1


def test_ore_data_fair_pages_and_sums(replay):
    replay.page_size = 1000  # about 2,400 lines for the Nord: three pages chained by `next`
    payload, origin = live.ore_consumption(ORE_CONSO)
    path = f"/ore/data-fair/api/v1/datasets/{live.ORE_DATASET}/lines"
    assert replay.hits[path] == 3 and replay.queries[path][0]["format"] == ["json"]
    assert len(replay.queries[path][0]["code_commune_in"][0].split(",")) == 648
    got = _table(payload).astype({"value": float}).set_index(["geo_code", "variable"])["value"]
    embedded = pd.read_csv(settings.EMBEDDED_DIR / ORE_CONSO.file, dtype={"geo_code": str}).set_index(["geo_code", "variable"])["value"]
    for key in [("59092", "conso_gaz_tous_secteurs_mwh"), ("59172", "conso_elec_residentiel_mwh"),
                ("59172", "nb_mailles_secretisees_elec")]:
        assert got[key] == pytest.approx(embedded[key]), key
    assert origin.endswith("(annee 2024)")


def test_ore_http_error_is_named(replay):
    replay.faults[f"/ore/data-fair/api/v1/datasets/{live.ORE_DATASET}/lines"] = "500"
    with pytest.raises(SourceError) as err:
        live.ore_consumption(ORE_CONSO)
    assert "HTTP 500" in str(err.value) and "/lines" in str(err.value)


def test_odre_register_by_filiere(replay):
    replay.extra_odre_groups = [{"codeinseecommune": "59172", "filiere": "Stockage non hydraulique", "inst": 1,
                                 "kw": 500, "kwh": None, "lignes": 1, "connues": 0}]
    payload, origin = live.odre_production(ODRE_PRODUCTION)
    got = _table(payload)
    embedded = pd.read_csv(settings.EMBEDDED_DIR / ODRE_PRODUCTION.file, dtype=str)
    merged = got.merge(embedded, on=["geo_level", "geo_code", "variable", "year"], suffixes=("", "_embedded"))
    assert len(merged) == len(embedded) == len(got)  # storage skipped, every filière of the register kept
    assert (merged["value"].astype(float) == merged["value_embedded"].astype(float)).all()
    assert "31/07/2026" in origin


def test_odre_unknown_filiere_fails_loudly(replay):
    replay.extra_odre_groups = [{"codeinseecommune": "59172", "filiere": "Hydrogène", "inst": 1, "kw": 1,
                                 "kwh": 1, "lignes": 1, "connues": 1}]
    with pytest.raises(SourceError) as err:
        live.odre_production(ODRE_PRODUCTION)
    assert "Hydrogène" in str(err.value)


def test_cache_avoids_a_second_request(replay):
    url = f"{replay.base}/geo/regions/32/departements"
    http.get_bytes(url)
    http.get_bytes(url)
    assert replay.hits["/geo/regions/32/departements"] == 1


def _live_refresh(monkeypatch, dataset: str | None = None) -> tuple[bool, str]:
    """The refresh job in live mode, on the fixture's home, as `barometre run --source live` does;
    with `dataset`, that raw asset and everything downstream of it only."""
    import dagster as dg

    from orchestration.cli import execute_job, summarise
    from orchestration.definitions import defs
    from orchestration.instance import ensure_dagster_home

    monkeypatch.setenv("BAROMETRE_SOURCE", "live")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    ensure_dagster_home()
    selection = None if dataset is None else list(
        dg.AssetSelection.assets(dg.AssetKey(["raw", dataset])).downstream().resolve(defs.resolve_asset_graph()))
    ok, lines = summarise(execute_job("refresh", selection=selection))
    return ok, "\n".join(lines)


@pytest.mark.slow  # end to end: CI runs it (make test-slow)
def test_live_run_end_to_end(replay, monkeypatch):
    """`barometre run --source live` through the real job: the embedded snapshot's figures."""
    ok, text = _live_refresh(monkeypatch)
    assert ok, text
    assert "have no live client and used their embedded file" in text and "ssmsi_offences" in text
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        def epci(indicator, year):
            return con.execute("SELECT value FROM marts.fct_indicator_value WHERE territory_level = 'epci' "
                               "AND indicator_id = ? AND year = ? AND basis = 'computed'", [indicator, year]).fetchone()[0]
        pops = {y: epci("population", y) for y in (2016, 2022)}
        pop_2021 = con.execute("SELECT sum(population_2021) FROM marts.dim_commune").fetchone()[0]
        modes = dict(con.execute("SELECT dataset, source_mode FROM audit.raw_batches WHERE status = 'promoted'").fetchall())
        communes_with_diplomas = con.execute("SELECT count(DISTINCT GEO) FROM raw.insee_diplomas_melodi").fetchone()[0]
        conso = epci("consommation_elec_gaz_tous_secteurs", 2024)
        solar = epci("puissance_solaire_pv_installee", 2026)
        idh4_communes = con.execute("SELECT count(idh4) FROM marts.idh4 WHERE territory_level = 'commune' "
                                    "AND vintage = 2021 AND bounds_method = 'fixed'").fetchone()[0]
    embedded = pd.read_csv(settings.EMBEDDED_DIR / COMMUNES.file)
    assert pops == {2016: 158_789, 2022: 158_351}
    assert pop_2021 == embedded["population_pkg4_0_0_cog2024a_src7739582"].sum()
    for name in ("commune_reference", "insee_comparateur_2025", "insee_diplomas_melodi", "ore_energy_consumption",
                 "odre_electricity_production"):
        assert modes[name] == "live", name
    assert modes["ssmsi_offences"] == "embedded"  # no live client: the manifest says what was used
    assert communes_with_diplomas == 3782 + 2  # every commune of the region, and the two merged ones (no value)
    ore = pd.read_csv(settings.EMBEDDED_DIR / ORE_CONSO.file, dtype={"geo_code": str})
    members = set(embedded["code_insee"].astype(str))
    ore = ore[ore["geo_code"].isin(members) & ore["variable"].str.contains("tous_secteurs")]
    assert conso == pytest.approx(ore["value"].sum())  # transmission-grid customers kept, as the label says
    odre = pd.read_csv(settings.EMBEDDED_DIR / ODRE_PRODUCTION.file, dtype={"geo_code": str})
    assert solar == pytest.approx(odre[odre["geo_code"].isin(members) & (odre["variable"] == "prod_solaire_pv_puissance_kw")]["value"].sum() / 1000)
    assert idh4_communes == 47


def test_live_http_error_stops_the_run_and_lands_nothing(replay, monkeypatch):
    from ingest import settings

    replay.faults["/files/5359146/dossier_complet_31_12_2025.zip"] = "500"
    ok, text = _live_refresh(monkeypatch, "insee_dossier_complet_2025")
    assert not ok and "HTTP 500" in text and "dossier_complet_31_12_2025.zip" in text
    assert not (settings.raw_dir() / "insee_dossier_complet_2025").exists()
    assert "assets materialised: 0" in text  # nothing downstream was built (the warehouse was never opened)


def test_an_html_page_served_with_200_is_refused_and_never_cached(replay):
    url = f"{replay.base}/geo/regions/32/departements"
    replay.faults["/geo/regions/32/departements"] = "html200"
    with pytest.raises(SourceError) as err:
        http.get_bytes(url)
    assert "HTML page with status 200" in str(err.value) and "/geo/regions/32/departements" in str(err.value)
    del replay.faults["/geo/regions/32/departements"]  # the service recovers: the next run gets the data
    http.failed.clear()  # (a new run: a new process)
    assert b"Nord" in http.get_bytes(url) and replay.hits["/geo/regions/32/departements"] == 2


def test_a_body_beyond_the_cap_is_stopped_while_streaming(replay, monkeypatch, tmp_path):
    url = f"{replay.base}/files/{live.BULK['insee_comparateur_2025'][0]}"
    zipped = live_server._insee_zip("insee_comparateur_2025")
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        inflated = z.getinfo("base_cc_comparateur.csv").file_size
    assert inflated > len(zipped) + 1000  # a CSV compresses: the member is much larger than the zip
    monkeypatch.setenv("BAROMETRE_HTTP_MAX_BYTES", "1000")
    with pytest.raises(SourceError) as err:
        http.download(url, tmp_path / "big.zip")
    assert "exceeds 1,000 bytes" in str(err.value) and not (tmp_path / "big.zip").exists()
    monkeypatch.setenv("BAROMETRE_HTTP_MAX_BYTES", str(len(zipped) + 1000))  # the zip passes, its member not
    with pytest.raises(SourceError) as err:
        http.extract_zip_member(url, tmp_path, name="base_cc_comparateur.csv")
    assert f"inflates to {inflated:,} bytes" in str(err.value) and not (tmp_path / "base_cc_comparateur.csv").exists()


def test_an_answer_that_did_not_parse_leaves_the_cache(replay, monkeypatch):
    """A renamed field fails the dataset; its answers leave the cache, so the run after the service is
    fixed gets the new answer instead of failing again on the cached one."""
    from ingest import sources

    monkeypatch.setenv("BAROMETRE_SOURCE", "live")
    path = "/geo/epcis/200042190/communes"
    replay.faults[path] = "rename:codeDepartement:departementCode"
    with pytest.raises(SourceError, match="codeDepartement"):
        sources.fetch(COMMUNES)
    del replay.faults[path]
    payload, _, mode = sources.fetch(COMMUNES)
    assert mode == "live" and b"59172" in payload and replay.hits[path] == 2
    sources.fetch(COMMUNES)  # an answer that parsed stays cached
    assert replay.hits[path] == 2


@pytest.mark.parametrize("fault", ["drip", "429-hour"])
def test_a_source_ends_by_its_deadline(replay, monkeypatch, fault):
    """A byte every 0.2 s (no read timeout ever fires: the deadline shuts the socket), or a 429 asking
    to come back in an hour (the wait is cut to the deadline): the source fails within it, lands nothing."""
    import time

    from ingest import sources

    monkeypatch.setenv("BAROMETRE_SOURCE", "live")
    monkeypatch.setenv("BAROMETRE_HTTP_DEADLINE", "2")
    path = "/geo/epcis/200042190/communes"
    replay.faults[path] = fault
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        sources.fetch(COMMUNES)
    assert time.monotonic() - started < 8
    expected = "deadline of 2 s passed" if fault == "drip" else "the service asks to come back in 3600 s"
    assert path in str(err.value) and expected in str(err.value)
    assert not (settings.raw_dir() / COMMUNES.name).exists()


def test_a_redirect_loop_is_named(replay):
    path = "/geo/regions/32/departements"
    replay.faults[path] = "redirect-loop"
    with pytest.raises(SourceError) as err:
        http.get_bytes(f"{replay.base}{path}")
    assert "redirect loop (more than 10 redirects)" in str(err.value) and path in str(err.value)


def test_a_url_that_failed_is_not_asked_again_in_the_same_run(replay):
    path = "/geo/regions/32/departements"
    replay.faults[path] = "500"
    for _ in range(2):
        with pytest.raises(SourceError) as err:
            http.get_bytes(f"{replay.base}{path}")
    assert "already failed in this run: HTTP 500" in str(err.value)
    assert replay.hits[path] == 3  # first try + 2 retries, once

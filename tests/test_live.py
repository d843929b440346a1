"""Live mode against a loopback server replaying the real endpoint formats (never the internet)."""

import duckdb
import pytest

from ingest import http, live
from ingest.catalog import COMMUNES, COMPARATEUR_2025
from ingest.errors import SourceError
from tests.live_server import TEST_YEAR, Replay, serve


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
    rp.base = base
    yield rp
    server.shutdown()


def test_429_then_200_is_retried_after_retry_after(replay):
    path = f"/geo/epcis/200042190/communes"
    replay.faults[path] = "429-once"
    payload, origin = live.commune_reference(COMMUNES)
    assert replay.hits[path] == 2
    lines = payload.decode().splitlines()
    assert lines[0].startswith("code_insee,nom,siren") and len(lines) == 48
    assert "59172,Denain,215901729" in payload.decode() or "59172,Denain," in payload.decode()


def test_populations_come_from_melodi_by_reference_year(replay):
    payload, _ = live.commune_reference(COMMUNES)
    denain = next(l for l in payload.decode().splitlines() if l.startswith("59172,"))
    header = payload.decode().splitlines()[0].split(",")
    row = dict(zip(header, denain.split(",")))
    assert row["population_pkg4_1_0_cog2024_src8290591"] == "20622"  # RP2022 legal population
    assert row["population_pkg1_1_1_cog2021_src6011070"] == ""  # unverified vintage: left missing


def test_persistent_500_fails_clearly_after_retries(replay):
    path = "/files/2521169/base_cc_comparateur_csv.zip"
    replay.faults[path] = "500"
    with pytest.raises(SourceError) as err:
        live.bulk_csv(COMPARATEUR_2025)
    assert "HTTP 500" in str(err.value) and "base_cc_comparateur_csv.zip" in str(err.value)
    assert replay.hits[path] == 3  # first try + 2 retries


def test_truncated_body_is_refused(replay):
    path = f"/geo/epcis/200042190/communes"
    replay.faults[path] = "truncated"
    with pytest.raises(SourceError) as err:
        live.commune_reference(COMMUNES)
    assert "truncated" in str(err.value)


def test_renamed_field_is_named(replay):
    replay.faults[f"/geo/epcis/200042190/communes"] = "rename:codeDepartement:departementCode"
    with pytest.raises(SourceError) as err:
        live.commune_reference(COMMUNES)
    assert "codeDepartement" in str(err.value) and "renamed" in str(err.value)


def test_bulk_zip_is_converted_to_the_snapshot_format(replay):
    payload, origin = live.bulk_csv(COMPARATEUR_2025)
    embedded = (live.settings.EMBEDDED_DIR / COMPARATEUR_2025.file).read_text(encoding="utf-8")
    got = payload.decode().splitlines()
    want = embedded.splitlines()
    assert got[0] == want[0]
    denain_got = next(l for l in got if l.startswith("59172,"))
    denain_want = next(l for l in want if l.startswith("59172,"))
    assert [float(x) if x not in ("", "s") else x for x in denain_got.split(",")[1:]] == \
           [float(x) if x not in ("", "s") else x for x in denain_want.split(",")[1:]]
    assert origin.endswith("base_cc_comparateur_csv.zip")


def test_ore_http_error_is_named(replay):
    from ingest.catalog import ORE_CONSO

    replay.faults[f"/ore/api/explore/v2.1/catalog/datasets/{live.ORE_DATASET}/exports/csv"] = "500"
    with pytest.raises(SourceError) as err:
        live.ore_consumption(ORE_CONSO)
    assert "HTTP 500" in str(err.value) and "exports/csv" in str(err.value)


def test_cache_avoids_a_second_request(replay):
    url = f"{replay.base}/geo/regions/32/departements"
    http.get_bytes(url)
    http.get_bytes(url)
    assert replay.hits["/geo/regions/32/departements"] == 1


def _live_refresh(monkeypatch) -> tuple[bool, str]:
    """The refresh job in live mode, on the fixture's home, as `barometre run --source live` does."""
    from orchestration.cli import execute_refresh, summarise
    from orchestration.instance import ensure_dagster_home

    monkeypatch.setenv("BAROMETRE_SOURCE", "live")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    ensure_dagster_home()
    ok, lines = summarise(execute_refresh())
    return ok, "\n".join(lines)


def test_live_run_end_to_end(replay, monkeypatch):
    """`barometre run --source live` through the real job: same figures as the embedded snapshot."""
    ok, text = _live_refresh(monkeypatch)
    assert ok, text
    from ingest import settings
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        pop = con.execute("SELECT value FROM marts.fct_indicator_value WHERE territory_level = 'epci' "
                          "AND indicator_id = 'population' AND year = 2022").fetchone()[0]
        modes = dict(con.execute("SELECT dataset, source_mode FROM audit.raw_batches").fetchall())
    assert pop == 158_351
    assert modes["commune_reference"] == "live" and modes["insee_comparateur_2025"] == "live"
    assert replay.hits["/melodi/data/DS_POPULATIONS_REFERENCE"] == 47
    # Agence ORE: one export filtered on the territory's 47 communes, parsed and summed commune -> EPCI.
    assert len(replay.ore_queries) == 1 and replay.ore_queries[0]["where"][0].count('"59') == 47
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        e2 = {(r[0], r[1], r[2]): r[3:] for r in con.execute(
            "SELECT territory_level, territory_code, indicator_id, value, quality_flag, note FROM marts.engagement_2 "
            "WHERE year = ?", [TEST_YEAR]).fetchall()}
    assert e2[("commune", "59002", "consommation_energie_finale")][0] == 352.0 + 190.0
    assert e2[("commune", "59172", "consommation_energie_residentiel")][0] == 900.0 + 700.0
    assert e2[("epci", "200042190", "consommation_energie_finale")][:2] == (542.0 + 2351.0, "partial")
    # The empty industry cell for Abscon's gas is a flagged gap, not a zero, and so is the EPCI sum.
    gap = e2[("commune", "59002", "consommation_energie_industrie")]
    assert gap[0] is None and gap[1] == "missing" and "pas un zéro" in gap[2]
    assert e2[("epci", "200042190", "consommation_energie_industrie")][0] is None
    # Melodi DS_RP_DIPLOMES_PRINC (file service, long EDUC layout) feeds the IDH-4 education input:
    # built from the same real RP2018 counts, it gives the embedded path's value for Denain.
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        rows = con.execute("SELECT rows FROM audit.raw_batches WHERE dataset = 'insee_diplomas_melodi' "
                           "AND status = 'promoted'").fetchone()[0]
        denain_x = con.execute("SELECT education_x FROM marts.idh4 WHERE territory_code = '59172' AND vintage = 2021 "
                               "AND bounds_method = 'observed'").fetchone()[0]
    assert rows == 540 * 7
    assert denain_x == pytest.approx(100 - 38.4, abs=0.05)
    # ODRÉ: renewable production only (kWh -> MWh), and the autonomy ratio against the same year's consumption.
    assert e2[("epci", "200042190", "production_renouvelable")][0] == pytest.approx(50 + 44_000)
    autonomy = e2[("epci", "200042190", "autonomie_energetique")][0]
    assert autonomy == pytest.approx(100 * 44_050 / 2_893)


def test_live_http_error_stops_the_run_and_lands_nothing(replay, monkeypatch):
    from ingest import settings

    replay.faults["/files/5359146/dossier_complet.zip"] = "500"
    ok, text = _live_refresh(monkeypatch)
    assert not ok and "HTTP 500" in text and "dossier_complet.zip" in text
    assert not (settings.raw_dir() / "insee_dossier_complet_2025").exists()
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        marts = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts'").fetchone()[0]
    assert marts == 0

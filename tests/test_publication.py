"""Triennial publication: write-audit-publish, never overwritten, reproducible, readable offline."""

import hashlib
import multiprocessing
import os
import signal
from datetime import datetime
from html.parser import HTMLParser

import dagster as dg
import duckdb
import pandas as pd
import pytest

from ingest import settings
from ingest.catalog import DATASETS


def fingerprint(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory, pipeline_home):  # after the session's run, whose environment it then overrides
    """A home where `barometre publish` ran once for cycle 2024, its refresh over every EPCI of the region
    (the barometer published is La Porte du Hainaut's: the session's other run covers it alone)."""
    home = tmp_path_factory.mktemp("publication_home")
    saved = {k: os.environ.get(k) for k in ("BAROMETRE_HOME", "DAGSTER_HOME", "BAROMETRE_CYCLE", "BAROMETRE_TERRITORY")}
    os.environ["BAROMETRE_HOME"] = str(home)
    os.environ["BAROMETRE_CYCLE"] = "2024"
    os.environ["BAROMETRE_TERRITORY"] = "all"
    os.environ.pop("DAGSTER_HOME", None)
    from orchestration.cli import main
    from tests.conftest import deliver_examples

    deliver_examples(home)
    assert main(["publish", "--cycle", "2024"]) == 0
    yield home
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def test_published_folder_content(published):
    folder = published / "published" / "2024"
    assert sorted(p.name for p in folder.iterdir()) == ["barometer.csv", "barometer.parquet", "manifest.json",
                                                        "report.html"]
    assert os.readlink(published / "published" / "latest") == "2024"
    import json
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["cycle"] == 2024 and manifest["gates"]["failed_errors"] == []
    assert manifest["gates"]["passed"] >= 70 and len(manifest["inputs"]) == len(DATASETS)
    assert manifest["files"]["barometer.csv"] == hashlib.sha256((folder / "barometer.csv").read_bytes()).hexdigest()
    assert manifest["row_counts"]["barometer"] == len(pd.read_parquet(folder / "barometer.parquet"))


def test_csv_is_for_french_excel(published):
    raw = (published / "published" / "2024" / "barometer.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    df = pd.read_csv(published / "published" / "2024" / "barometer.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert list(df.columns[:7]) == ["cycle", "engagement", "engagements", "volet", "criterion_id", "criterion_label",
                                    "indicator_id"]
    row = df[df.indicator_id == "taux_chomage_15_64"].iloc[0]
    # RP2023 (PROVENANCE §24) against RP2012, the same source (INSEE's 5-year rule respected)
    assert row.valeur_t == pytest.approx(17.126, abs=0.001) and row.annee_t == 2023 and row.annee_t1 == 2012
    text = raw.decode("utf-8-sig")
    assert ";17,1256" in text  # decimal comma, not dot
    # Every criterion is listed, those without indicator marked for the panel.
    criteria = pd.read_csv(settings.PROJECT_ROOT / "dbt_project" / "seeds" / "criteria.csv")
    assert set(df.criterion_id) == set(criteria.criterion_id)
    assert (df[df.indicator_id.isna()].tendance == "à renseigner par le panel").all()
    # RP2022 is not compared with RP2018 (less than 5 years apart).
    vacancy = df[df.indicator_id == "part_logements_vacants"].iloc[0]
    assert vacancy.annee_t == 2022 and pd.isna(vacancy.evolution) and pd.isna(vacancy.valeur_t1)
    jobs = df[df.indicator_id == "emplois_au_lieu_de_travail"].iloc[0]
    assert jobs.annee_t1 == 2016 and jobs.tendance == "amélioration"


class _Checker(HTMLParser):
    VOID = {"meta", "br", "link", "img", "input", "hr", "col", "rect", "line", "path"}  # HTML void elements

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.paths, self.svgs = [], [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "path":
            self.paths += 1
        if tag == "svg":
            self.svgs.append(dict(attrs).get("class"))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag == "path":
            self.paths += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def test_report_is_valid_self_contained_html(published):
    html = (published / "published" / "2024" / "report.html").read_text(encoding="utf-8")
    checker = _Checker()
    checker.feed(html)
    assert checker.errors == [] and checker.stack == []
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert "Grille de positionnement" in html and "Impacts imputables au PDT" in html
    from orchestration.report import MAP_INDICATORS
    maps = checker.svgs.count("carte")
    assert maps == len(MAP_INDICATORS) and checker.paths == 47 * maps  # one outline per commune and map
    assert "communes" in checker.svgs and "tt1" in checker.svgs
    import re
    # nothing is loaded from the network; links to the producers' pages are there to be followed
    assert not re.search(r"""(src|srcset|data)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html and "@import" not in html and "url(" not in html and "<link" not in html
    assert 'href="https://www.insee.fr/fr/statistiques/2521169"' in html and html.count('<section class="fiche"') == 47
    assert "Les feuilles de route des services" in html and html.count('<tr class="feuille">') == 5
    assert "exemple fictif" in html  # the template's example is never shown as the territory's results


def test_a_cycle_is_never_overwritten_and_revisions_are_reproducible(published, capsys):
    from orchestration.cli import main

    first = published / "published" / "2024"
    before = fingerprint(first)
    warehouse = (published / "warehouse.duckdb").stat().st_mtime_ns
    assert main(["publish", "--cycle", "2024"]) == 1  # refused: already published, before any refresh
    assert fingerprint(first) == before and (published / "warehouse.duckdb").stat().st_mtime_ns == warehouse
    capsys.readouterr()
    assert main(["publish", "--cycle", "2024", "--new-revision"]) == 0
    # nothing changed since the publication's own refresh: the revision is published from the same marts
    assert "assets of the refresh, nothing changed since run" in capsys.readouterr().out
    second = published / "published" / "2024-r2"
    assert fingerprint(first) == before
    assert os.readlink(published / "published" / "latest") == "2024-r2"
    for name in ("barometer.parquet", "barometer.csv"):  # same inputs, byte-identical outputs
        assert (first / name).read_bytes() == (second / name).read_bytes()
    # published from the marts the first publication's run built: its manifest names that run and its gates
    import json

    manifests = [json.loads((f / "manifest.json").read_text(encoding="utf-8")) for f in (first, second)]
    assert manifests[1]["marts_built_by_run"] == manifests[0]["run_id"] != manifests[1]["run_id"]
    assert manifests[1]["gates"] == manifests[0]["gates"] and manifests[1]["gates"]["passed"] >= 70


@pytest.mark.slow  # end to end: CI runs it (make test-slow)
def test_gate_failure_publishes_nothing(published, tmp_path):
    """The publish job with a delivery whose gate fails: the publication (downstream of every gate) is
    skipped. The run covers that dataset and everything downstream, as the CLI's flags configure it."""
    import shutil

    from orchestration.cli import execute_job, summarise
    from orchestration.definitions import defs

    delivery = tmp_path / "delivery"
    shutil.copytree(settings.EMBEDDED_DIR, delivery)
    (delivery / "filosofi_2021_communes_hdf.csv").chmod(0o644)
    (delivery / "filosofi_2021_communes_hdf.csv").write_text("CODGEO,MED21\n59172,14890\n", encoding="utf-8")
    before = fingerprint(published / "published")
    selection = list(dg.AssetSelection.assets(dg.AssetKey(["raw", "insee_filosofi_2021"])).downstream()
                     .resolve(defs.resolve_asset_graph()))
    assert dg.AssetKey(["publication", "barometer"]) in selection
    result = execute_job("publish", {"cycle": 2024, "new_revision": True, "snapshot_dir": str(delivery)},
                         selection=selection)
    ok, lines = summarise(result)
    assert not ok and "gx_gate" in "\n".join(lines)
    assert not [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
                and e.asset_key.path[0] in ("marts", "publication")]
    assert fingerprint(published / "published") == before


def _publish_and_die(home):
    os.environ["BAROMETRE_HOME"] = home
    from orchestration.publication import publish

    publish(2024, "killed-run", new_revision=True, after_write=lambda staging: os.kill(os.getpid(), signal.SIGKILL))


def test_killed_mid_publication_leaves_no_partial_cycle(published):
    before = sorted(p.name for p in (published / "published").iterdir() if not p.name.startswith("."))
    child = multiprocessing.get_context("spawn").Process(target=_publish_and_die, args=(str(published),))
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    after = sorted(p.name for p in (published / "published").iterdir() if not p.name.startswith("."))
    assert after == before  # no 2024-r3, latest unchanged
    assert list((published / "published").glob(".staging-*"))  # the half-written folder stayed hidden


def test_triennial_schedule_skips_other_years():
    from orchestration.jobs import triennial_publication

    skipped = triennial_publication(dg.build_schedule_context(scheduled_execution_time=datetime(2025, 9, 15)))
    assert isinstance(skipped, dg.SkipReason) and "2025 is not a cycle year" in skipped.skip_message
    request = triennial_publication(dg.build_schedule_context(scheduled_execution_time=datetime(2027, 9, 15)))
    assert isinstance(request, dg.RunRequest) and request.tags["barometre/cycle"] == "2027"
    assert request.run_config["resources"]["barometre"]["config"] == {"cycle": 2027}  # what the publication uses


def test_the_launchpad_config_of_publish_is_checked_before_any_refresh(published):
    """What the UI launches: the publish job with `resources.barometre.config`; an existing cycle is
    refused when the run starts, with its folder, and the run still says what it was asked."""
    from orchestration.definitions import defs
    from orchestration.run_settings import run_config

    before = fingerprint(published / "published")
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("publish").execute_in_process(
            run_config=run_config({"cycle": 2024, "territory": "200042190"}), instance=instance, raise_on_error=False)
        tags = instance.get_run_by_id(result.run_id).tags
        failure = next(e.dagster_event.event_specific_data.error.to_string() for e in instance.all_logs(result.run_id)
                       if e.dagster_event and e.dagster_event.event_type_value == "RESOURCE_INIT_FAILURE")
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
    assert f"Cycle 2024 is already published in {published / 'published' / '2024'}" in failure
    assert tags["barometre/cycle"] == "2024" and tags["barometre/territory"] == "200042190"
    assert fingerprint(published / "published") == before
    assert settings.cycle() == 2024 and settings._run == {}  # the run's settings ended with it


def test_cli_runs_are_listed_under_their_job_and_say_each_phase(published):
    import io

    from orchestration.cli import repository_label
    from orchestration.progress import Progress

    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(dg.RunsFilter(job_name="publish", tags={".dagster/repository": repository_label()}))
        assert runs, "the UI lists a job's runs by this tag"
        run = runs[-1]  # the fixture's `barometre publish --cycle 2024`
        assert {k: run.tags[k] for k in ("barometre/territory", "barometre/source", "barometre/snapshot",
                                          "barometre/cycle")} == {"barometre/territory": "all",
                                                                  "barometre/source": "embedded",
                                                                  "barometre/snapshot": "shipped",
                                                                  "barometre/cycle": "2024"}
        out = io.StringIO()
        with Progress(instance, run.run_id, out=out):  # replays the run's events, as the terminal saw them
            pass
    lines = out.getvalue().splitlines()
    assert [line.split("] ")[1].split(":")[0] for line in lines if "] " in line] == [
        "landing and gates", "landing and gates", "dbt", "dbt", "exports", "publication"]
    assert f"{len(DATASETS) + 6} raw tables landed" in out.getvalue()  # + the previous barometer, 5 service tables
    assert "14 marts" in out.getvalue() and "0 failed" in out.getvalue()


def test_report_opens_with_a_plain_french_summary(published):
    text = (published / "published" / "2024" / "report.html").read_text(encoding="utf-8")
    assert "<h2 id=\"resume\">En bref</h2>" in text and "Ce qui reste à mesurer" in text
    assert "Taux de chômage des 15-64 ans (recensement) : 17,1 % en 2023, contre 19,4 % en 2012." in text
    assert "EPCI 200042190" not in text and "47 communes" in text


ARTIFACTS = settings.PROJECT_ROOT / "test-artifacts" / "report"


def _chromium():
    """Debian's Chromium, headless, 1280 px wide, every host name unresolvable: the page must need none."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver, browser = shutil.which("chromedriver"), shutil.which("chromium")
    if not (driver and browser):
        message = "Debian's chromium and chromium-driver are needed: .ci/run installs them (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--host-resolver-rules=MAP * ~NOTFOUND"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def test_report_in_a_real_browser(published):
    """The published report as a councillor opens it: no horizontal scroll at 1280 px, every commune named
    and given a page, nothing requested from the network, headings in order, every chart with a text
    alternative, the summary first, the map's indicator switchable. Screenshots go to test-artifacts/."""
    import json

    import duckdb
    from selenium.webdriver.common.by import By

    report = published / "published" / "2024" / "report.html"
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        communes = dict(con.execute("SELECT commune_code, commune_name FROM marts.dim_commune "
                                    "WHERE epci_siren = '200042190'").fetchall())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser = _chromium()
    try:
        browser.get(report.as_uri())
        measures = browser.execute_script("""
            const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
            return {page_width: document.documentElement.scrollWidth, window_width: window.innerWidth,
                    headings: hs, h1: hs.filter(l => l === 1).length,
                    images_without_text: [...document.querySelectorAll('svg, img')].filter(e =>
                        !(e.getAttribute('aria-label') || e.getAttribute('alt') || '').trim()).length,
                    images: document.querySelectorAll('svg, img').length};""")
        browser.save_screenshot(str(ARTIFACTS / "first_page.png"))
        names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ol.noms a")]
        pages = {s.get_attribute("id") for s in browser.find_elements(By.CSS_SELECTOR, "section.fiche")}
        summary = browser.find_elements(By.CSS_SELECTOR, "#resume ~ ul li")
        block = browser.find_element(By.CSS_SELECTOR, "table.grille tbody.critere")
        browser.execute_script("arguments[0].scrollIntoView()", block)
        block.screenshot(str(ARTIFACTS / "engagement_block.png"))
        maps = browser.find_element(By.CSS_SELECTOR, ".choix")
        shown = lambda: [f.get_attribute("class") for f in browser.find_elements(By.CSS_SELECTOR, ".vue") if f.is_displayed()]
        first = shown()
        browser.execute_script("arguments[0].scrollIntoView()", maps)
        maps.screenshot(str(ARTIFACTS / "map.png"))
        browser.find_element(By.CSS_SELECTOR, "label[for='carte-3']").click()
        switched = shown()
        maps.screenshot(str(ARTIFACTS / "map_idh4.png"))
        denain = browser.find_element(By.ID, "commune-59172")
        browser.execute_script("arguments[0].scrollIntoView()", denain)
        denain.screenshot(str(ARTIFACTS / "commune_denain.png"))
        requests = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
        urls = [m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"]
    finally:
        browser.quit()
    external = [u for u in urls if not u.startswith(("file:", "data:", "about:"))]
    measures.update(communes_named=len(set(names) & set(communes.values())), commune_pages=len(pages),
                    requests=len(urls), external_requests=external, summary_items=len(summary),
                    map_shown=first, map_after_click=switched)
    (ARTIFACTS / "measures.json").write_text(json.dumps(measures, ensure_ascii=False, indent=1), encoding="utf-8")
    assert measures["page_width"] <= 1280 and measures["window_width"] <= 1280, measures
    assert sorted(names) == sorted(communes.values()) and len(names) == 47
    assert pages == {f"commune-{c}" for c in communes}
    assert external == [] and urls, urls
    assert measures["h1"] == 1 and all(b <= a + 1 for a, b in zip(measures["headings"], measures["headings"][1:], strict=False))
    assert measures["images_without_text"] == 0 and measures["images"] >= 7  # 5 maps, the commune chart, T/T-1 bars
    assert len(summary) >= 5
    assert first == ["vue vue-1"] and switched == ["vue vue-3"]


LPH, VALENCIENNES = "200042190", "245901160"


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def test_every_epci_of_the_region_in_one_warehouse_keyed_by_epci(published, pipeline_home):
    """The publication's refresh ran for every EPCI (BAROMETRE_TERRITORY=all): it landed and gated the same
    files for the 92 EPCIs' communes and built their marts in one warehouse. La Porte du Hainaut's rows
    are exactly those of the session's single-EPCI run (the only extra rows are the other départements,
    shared comparison territories); another EPCI's values are recomputed from the raw census file; the
    plan's own targets, panel grid and climate plan stay La Porte du Hainaut's."""
    geo = pd.read_csv(settings.EMBEDDED_DIR / "appartenance_geo_2022_communes_hdf.csv", dtype=str)
    geo = geo[geo["EPCI"] != "ZZZZZZZZZ"]
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
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
            mine = f"SELECT * FROM marts.{table} WHERE epci_siren = '{LPH}' OR epci_siren IS NULL"
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
                           "OR panel_impacts IS NOT NULL").fetchall() == [(LPH,)]
        assert con.execute("SELECT DISTINCT territory_code FROM marts.pcaet_facts WHERE territory_level = 'epci'").fetchall() == [(LPH,)]
        assert con.execute("SELECT count(*) FROM marts.engagement_2 WHERE territory_code = ? AND indicator_id = "
                           "'emissions_co2_territoire' AND availability = 'non disponible'", [VALENCIENNES]).fetchone()[0] == 1

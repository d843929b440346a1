"""The services' deliveries: the template reads back, the gate refuses each bad workbook naming the
file, sheet, row and column, nothing accepted is lost, and a second delivery is a new version."""

import hashlib
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingest import deliveries, settings
from ingest.roadmap_templates import EXAMPLE, TEMPLATES
from ingest.roadmaps import DeliveryError, read_delivery

EXAMPLE_XLSX = TEMPLATES / "exemple_feuille_de_route.xlsx"


@pytest.fixture
def con(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path / "home"))
    settings.home().mkdir(parents=True)
    with duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb")) as c:
        yield c


def accepted_state(con) -> str:
    """A digest of everything accepted so far: raw tables and accepted deliveries."""
    parts = [con.execute(f"SELECT * FROM raw.{t} ORDER BY ALL").fetchall()
             for t in ("roadmap_actions", "roadmap_values", "roadmap_milestones", "budget_lines", "council_decisions")]
    parts.append(con.execute("SELECT sha256, version FROM audit.deliveries WHERE status = 'accepted' ORDER BY 1").fetchall())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def altered(tmp_path, change, name="livraison.xlsx") -> Path:
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    change(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def test_templates_read_back_as_their_example():
    kind, frames = read_delivery(EXAMPLE_XLSX)
    assert kind == "roadmap" and {k: len(v) for k, v in frames.items()} == \
        {k: len(EXAMPLE[k]) for k in ("feuille_de_route", "valeurs", "jalons")}
    _, from_csv = read_delivery(TEMPLATES / "exemple_feuille_de_route_csv")
    assert all(frames[k].equals(from_csv[k]) for k in frames)  # the CSV equivalent says the same
    values = frames["valeurs"].set_index(["indicator_code", "year"])["value"]
    assert values[("EX_PART_16_18_FORMES", 2025)] == 4.8 and frames["valeurs"]["row_number"].tolist()[:2] == [2, 3]
    # the example is labelled as such everywhere a reader could take it for real results
    assert all("EXEMPLE" in s for s in frames["feuille_de_route"]["service"])
    assert all("EXEMPLE" in s for s in frames["valeurs"]["source"])
    for stem in ("modele_feuille_de_route", "modele_budget", "modele_deliberations"):
        with pytest.raises(DeliveryError, match="empty"):
            read_delivery(TEMPLATES / f"{stem}.xlsx")


def _set(sheet, cell, value):
    def change(wb):
        wb[sheet][cell] = value
    return change


BAD = [
    ("unknown engagement", _set("feuille_de_route", "B3", "E4"),
     "sheet 'feuille_de_route', row 3, column 'Engagement (E1, E2, E3)': unknown engagement"),
    ("unknown criterion", _set("feuille_de_route", "D2", "CDV9"),
     "sheet 'feuille_de_route', row 2, column 'Critère de la grille': unknown criterion"),
    ("year in the future", _set("valeurs", "B3", 2031),
     "sheet 'valeurs', row 3, column 'Année': year outside 2000-"),
    ("text in a number column", _set("valeurs", "C4", "n.d."),
     "sheet 'valeurs', row 4, column 'Valeur'] text 'n.d.' in a number column"),
    ("duplicate indicator and year", _set("valeurs", "B3", 2024),
     "sheet 'valeurs', row 2, column 'Code de l'indicateur', 'Année': two values for the same indicator and year"),
    ("ambition before the baseline", _set("feuille_de_route", "N3", 2020),
     "sheet 'feuille_de_route', row 3, column 'Année de l'ambition': ambition year before the baseline year"),
    ("résultat without ambition", _set("feuille_de_route", "M6", None),
     "sheet 'feuille_de_route', row 6, column 'Niveau d'ambition': an indicator of kind résultat needs"),
    ("renamed sheet", lambda wb: setattr(wb["valeurs"], "title", "Valeurs 2025"),
     "sheet(s) ['valeurs'] missing (renamed?)"),
    ("formula error", _set("valeurs", "C5", "#DIV/0!"),
     "sheet 'valeurs', row 5, cell C5] formula error #DIV/0!"),
    ("merged cells", lambda wb: wb["feuille_de_route"].merge_cells("E2:E4"),
     "sheet 'feuille_de_route'] merged cells (E2:E4)"),
    ("empty workbook", lambda wb: [wb[s].delete_rows(2, 20) for s in ("feuille_de_route", "valeurs", "jalons")],
     "empty workbook"),
]


@pytest.mark.parametrize("case, change, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_workbook_is_refused_by_file_sheet_row_and_column(con, tmp_path, case, change, message):
    deliveries.accept(con, EXAMPLE_XLSX)
    before = accepted_state(con)
    bad = altered(tmp_path, change)
    with pytest.raises(DeliveryError) as refused:
        deliveries.accept(con, bad)
    text = str(refused.value)
    assert text.startswith("[livraison.xlsx") and message in text, text
    assert "What to do:" in text
    assert accepted_state(con) == before  # nothing already accepted is lost or changed
    status = con.execute("SELECT status, message FROM audit.deliveries WHERE file = 'livraison.xlsx'").fetchone()
    assert status[0] == "rejected" and message in status[1]
    landed = settings.home() / "raw" / "deliveries"
    assert len(list(landed.iterdir())) == 2  # the refused delivery is kept, read-only, for inspection


def test_a_second_delivery_is_a_new_version_and_the_first_stays_readable(con, tmp_path):
    first = deliveries.accept(con, EXAMPLE_XLSX)
    again = deliveries.accept(con, EXAMPLE_XLSX)
    assert (first.version, first.new, again.version, again.new) == (1, True, 1, False)  # same bytes: nothing new
    second = deliveries.accept(con, altered(tmp_path, _set("valeurs", "C3", 160)))
    assert second.version == 2 and second.service == first.service
    by_version = dict(con.execute("SELECT version, value FROM raw.roadmap_values WHERE indicator_code = "
                                  "'EX_JEUNES_FORMES' AND year = 2025").fetchall())
    assert by_version == {1: 150.0, 2: 160.0}
    assert con.execute("SELECT bool_and(is_example) FROM raw.roadmap_actions").fetchone()[0] is True
    other = deliveries.accept(con, TEMPLATES / "exemple_budget_csv")
    assert (other.kind, other.version) == ("budget", 1)


def test_the_example_delivery_feeds_the_marts(pipeline_home):
    """The session run had the template's example in its inbox: the marts hold its ambition lines,
    verdicts, milestones, resources and decisions, labelled as the example."""
    from datetime import date

    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
        rows = {(c, y): (v, line, gap, ok, ex) for c, y, v, line, gap, ok, ex in con.execute(
            "SELECT indicator_code, year, value, ambition_line, gap, on_track, is_example FROM marts.roadmap_indicator"
        ).fetchall()}
        states = dict(con.execute("SELECT milestone, state FROM marts.roadmap_milestone").fetchall())
        followup = {(e, y): (n, a, d, x) for e, y, n, a, d, x in con.execute(
            "SELECT engagement, year, indicators_on_track, amount_eur, decisions, includes_example "
            "FROM marts.engagement_followup").fetchall()}
    assert len(rows) == len(EXAMPLE["valeurs"]) and all(r[4] for r in rows.values())
    # 16-18 trained: 4 % (2024) -> 10 % (2030); the line in 2025 is 4 + 6/6 = 5, the value 4.8 is behind
    value, line, gap, on_track, _ = rows[("EX_PART_16_18_FORMES", 2025)]
    assert (value, line, on_track) == (4.8, 5.0, False) and gap == pytest.approx(-0.2)
    # consumption must fall (-1): 18 -> 12 MWh by 2030; the line in 2025 is 17, the value 17.5 is behind
    assert rows[("EX_CONSO_RESIDENTIEL", 2025)][1:4] == (17.0, 0.5, False)
    assert rows[("EX_CONSO_RESIDENTIEL", 2024)][3] is True  # at the baseline: on the line
    assert rows[("EX_JEUNES_FORMES", 2025)][1] is None  # an indicator of réalisation has no ambition line
    due = date(2026, 3, 31)
    assert states["Lancement de l'appel à projets (EXEMPLE)"] == ("en retard" if date.today() > due else "à échéance")
    assert states["Ouverture de la plateforme d'orientation (EXEMPLE)"] == "atteint"
    assert followup[("E2", 2025)] == (0, 1_200_000, 1, True) and followup[("E1", 2024)][0] == 1


def test_a_refused_delivery_in_the_inbox_stops_the_run_and_changes_nothing(pipeline_home, tmp_path):
    import dagster as dg

    from orchestration.delivery_assets import service_deliveries
    from orchestration.run_settings import BarometreSettings

    def state():
        with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
            return accepted_state(con), con.execute("SELECT * FROM marts.roadmap_indicator ORDER BY ALL").fetchall()

    before = state()
    bad = altered(tmp_path, _set("valeurs", "C4", "n.d."), name="feuille_service_x.xlsx")
    dropped = pipeline_home / "inbox" / "roadmaps" / bad.name
    dropped.write_bytes(bad.read_bytes())
    try:
        result = dg.materialize([service_deliveries], resources={"barometre": BarometreSettings()}, raise_on_error=False)
        failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
        text = failure.event_specific_data.error.message
        assert "feuille_service_x.xlsx: sheet 'valeurs', row 4, column 'Valeur'" in text and "Remove or correct" in text
        assert state() == before
    finally:
        dropped.unlink()

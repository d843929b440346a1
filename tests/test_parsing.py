"""Unit tests of landing and of the frame the gate validates (no Dagster, no dbt)."""

import os
import stat

import pandas as pd
import pytest

from ingest import landing, settings
from ingest.catalog import COMMUNES, COMPARATEUR_2025
from ingest.errors import SourceError
from quality.gate import validation_frame

GOOD = b"code_insee,nom\n59172,Denain\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("payload, fragment", [
    (b"", "is empty"),
    (b"CODGEO;P22_POP\n59172;20000\n", "uses ';' as separator"),
    ("code_insee,nom\n59564,La Sentinelle\n".encode("cp1252").replace(b"Sentinelle", "Sentinelle é".encode("cp1252")), "not valid UTF-8"),
    (b"code_insee,nom\n59172,Den", "looks truncated"),
])
def test_bad_payloads_are_refused_with_the_source_named(payload, fragment, home):
    with pytest.raises(SourceError) as err:
        landing.land(COMMUNES, payload, "https://example.invalid/communes.csv", "live")
    assert fragment in str(err.value)
    assert "https://example.invalid/communes.csv" in str(err.value)
    assert "What to do" in str(err.value)
    assert not (home / "raw").exists() or not any((home / "raw").rglob("*.csv"))


def test_landing_is_immutable_and_idempotent(home):
    first = landing.land(COMMUNES, GOOD, "embedded:communes_caph.csv", "embedded")
    second = landing.land(COMMUNES, GOOD, "embedded:communes_caph.csv", "embedded")
    assert first.path == second.path
    batches = [p for p in (settings.raw_dir() / COMMUNES.name).iterdir() if p.is_dir()]
    assert len(batches) == 1
    assert first.path.read_bytes() == GOOD
    assert not os.stat(first.path).st_mode & stat.S_IWUSR  # read-only
    assert first.manifest["sha256"] == first.sha256 and first.manifest["bytes"] == len(GOOD)
    third = landing.land(COMMUNES, GOOD + b"59002,Abscon\n", "embedded:communes_caph.csv", "embedded")
    assert third.path != first.path and first.path.read_bytes() == GOOD


def test_secret_markers_become_missing_never_zero():
    df = pd.DataFrame({"CODGEO": ["59172", "59038", "59002"], "TP6021": ["43.0", "s", ""],
                       "MED21": ["14890", "nd", "19560"]})
    frame = validation_frame(df, COMPARATEUR_2025)
    assert frame["num__TP6021"].tolist()[0] == 43.0
    assert frame["num__TP6021"].isna().tolist() == [False, True, True]
    assert frame["num__MED21"].isna().tolist() == [False, True, False]
    assert frame["TP6021"].tolist() == ["43.0", "s", ""]  # the raw text is kept as delivered


def test_unknown_territory_is_refused_before_anything_is_landed(tmp_path, monkeypatch, capsys):
    from orchestration.cli import main

    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BAROMETRE_TERRITORY", "200042190")  # restored after the CLI rewrites it
    assert main(["run", "--territory", "200042191"]) == 2
    err = capsys.readouterr().err
    assert "EPCI 200042191 is not in the geography table (Hauts-de-France, 2022): did you mean 200042190" in err
    assert not (tmp_path / "home").exists()


def test_a_territory_is_one_siren_a_list_or_all(tmp_path, monkeypatch, capsys):
    """One code path for one EPCI, a list and all of them: dbt gets the list (or 'all'), the barometer
    describes the first EPCI; a list with one unknown SIREN is refused whole, before anything exists."""
    from orchestration.cli import main

    previous = settings.apply({"territory": " 245901160, 200042190,245901160 "})
    try:
        assert settings.territories() == ["245901160", "200042190"] and settings.territory() == "245901160"
        assert settings.dbt_vars()["territories"] == ["245901160", "200042190"]
        assert settings.run_tags()["barometre/territory"] == "245901160,200042190"
        settings.apply({"territory": "ALL"})
        assert settings.territories() == "all" and settings.territory() == "200042190" and settings.covers("200067965")
        assert settings.dbt_vars()["territories"] == "all"
        with pytest.raises(ValueError, match="9 digits, SIRENs separated by commas, or 'all'"):
            settings.apply({"territory": "200042190;245901160"})
    finally:
        settings.apply(previous)
    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path / "home"))
    assert main(["run", "--territory", "200042190,123456789"]) == 2
    assert "EPCI 123456789 is not in the geography table (Hauts-de-France, 2022)" in capsys.readouterr().err
    assert not (tmp_path / "home").exists()


def test_another_epcis_barometer_is_not_published_under_the_plans_name(tmp_path, monkeypatch, capsys):
    """The report, map, targets and panel grid are La Porte du Hainaut's: another EPCI first is refused."""
    from orchestration.cli import main

    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BAROMETRE_TERRITORY", "245901160,200042190")
    assert main(["publish", "--cycle", "2024"]) == 2
    assert "the published barometer is La Porte du Hainaut's (200042190)" in capsys.readouterr().err
    assert not (tmp_path / "home" / "published").exists()


def test_future_cycle_is_refused_before_anything_is_touched(tmp_path, monkeypatch, capsys):
    from orchestration.cli import main

    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BAROMETRE_CYCLE", "2024")  # restored after the CLI rewrites it
    assert main(["publish", "--cycle", "2207"]) == 2  # a typo for 2027: a valid cycle year, 181 years ahead
    assert "cycle 2207 is in the future" in capsys.readouterr().err
    assert not (tmp_path / "home" / "published").exists()


def test_a_held_warehouse_stops_the_run_in_one_paragraph(tmp_path, monkeypatch, capsys):
    """An analyst's read-only session on the warehouse: the run refuses at once, naming the holder."""
    import subprocess
    import sys

    import duckdb

    from orchestration.cli import main

    home = tmp_path / "home"
    home.mkdir()
    duckdb.connect(str(home / "warehouse.duckdb")).close()
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], "
                               "read_only=True); print('ready', flush=True); time.sleep(60)", str(home / "warehouse.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        monkeypatch.setenv("BAROMETRE_HOME", str(home))
        assert main(["run"]) == 2
    finally:
        reader.kill()
    err = capsys.readouterr().err
    assert f"is open in process {reader.pid}" in err and "Nothing was landed" in err
    assert not (home / "raw").exists()


def test_summary_leaves_fragile_values_and_counts_out_of_the_verdicts():
    from orchestration.report import summary

    base = {"criterion_id": "X", "criterion_label": "Critère", "unit": "%", "polarity": -1, "year_t": 2023,
            "year_t1": 2012, "value_departement": None, "quality_t": "ok", "kind": "ratio", "trajectory_value": None}
    rows = [
        {**base, "indicator_id": "a", "indicator_label": "Taux A", "value_t": 10.0, "value_t1": 12.0, "trend": "amélioration"},
        {**base, "indicator_id": "b", "indicator_label": "Taux B", "value_t": 9.0, "value_t1": 5.0, "trend": "dégradation",
         "quality_t": "small_numbers"},
        {**base, "indicator_id": "c", "indicator_label": "Emplois", "value_t": 100.0, "value_t1": None, "trend": "x",
         "kind": "count", "value_departement": 10_000.0, "polarity": 1},
        {**base, "indicator_id": "d", "indicator_label": "Taux D", "value_t": 30.0, "value_t1": None, "trend": "x",
         "value_departement": 20.0},
        {**base, "indicator_id": None, "criterion_id": "Y", "criterion_label": "Handicap", "candidate_source": "CAF, AAH"},
    ]
    s = summary(rows)
    assert s["progress"] == ["Taux A : 10,0 % en 2023, contre 12,0 % en 2012."]
    assert s["behind"] == ["Taux D : 30,0 % en 2023, contre 20,0 % pour le Nord."]  # not B (fragile), not the count C
    assert s["to_measure"] == ["Handicap : CAF, AAH."]

"""Unit tests of landing and of the frame the gate validates (no Dagster, no dbt)."""

import os
import stat

import pandas as pd
import pytest

from ingest import landing, settings
from ingest.catalog import COMMUNES, COMPARATEUR_2025
from ingest.errors import SourceError
from quality.gate import validation_frame

GOOD = "code_insee,nom\n59172,Denain\n".encode()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETRE_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("payload, fragment", [
    (b"", "is empty"),
    ("CODGEO;P22_POP\n59172;20000\n".encode(), "uses ';' as separator"),
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

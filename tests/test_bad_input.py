"""Bad deliveries: each one stops the run at its gate with a clear message, and nothing downstream changes.

Each test corrupts one file of a copy of the embedded snapshot, runs the real refresh job on the
home of the successful session run, and checks the message, that no mart was materialised, and
that the analysts' exports are byte-for-byte what they were.
"""

import os

import pytest

from ingest.catalog import CAF_BENEFICIARIES, COMMUNES, COMPARATEUR_2025, FILOSOFI_2021, ORE_CONSO
from tests.helpers import edit as _edit
from tests.helpers import run_with as _run_with


def test_renamed_column(pipeline_home, snapshot_copy):
    _edit(snapshot_copy / COMPARATEUR_2025.file, lambda t: t.replace("P22_CHOM1564", "P22_CHOMEURS1564", 1))
    msg = _run_with(snapshot_copy, pipeline_home, dataset=COMPARATEUR_2025)
    assert COMPARATEUR_2025.file in msg and "required column missing" in msg and "P22_CHOM1564" in msg
    assert "What to do" in msg


def test_missing_commune(pipeline_home, snapshot_copy):
    _edit(snapshot_copy / COMMUNES.file, lambda t: "".join(line for line in t.splitlines(True) if not line.startswith("59172,")))
    msg = _run_with(snapshot_copy, pipeline_home, dataset=COMMUNES)
    assert "territory communes missing" in msg and "59172" in msg and COMMUNES.file in msg


def test_duplicated_commune(pipeline_home, snapshot_copy):
    def dup(t):
        lines = t.splitlines(True)
        return "".join(lines + [line for line in lines if line.startswith("59172,")])
    _edit(snapshot_copy / FILOSOFI_2021.file, dup)
    msg = _run_with(snapshot_copy, pipeline_home, dataset=FILOSOFI_2021)
    assert "expect_column_values_to_be_unique" in msg and "59172" in msg


def test_rate_of_140_percent(pipeline_home, snapshot_copy):
    _edit(snapshot_copy / FILOSOFI_2021.file,
          lambda t: "".join(line.replace(",43.0,", ",140.0,", 1) if line.startswith("59172,") else line for line in t.splitlines(True)))
    msg = _run_with(snapshot_copy, pipeline_home, dataset=FILOSOFI_2021)
    assert "TP6021" in msg and "'max_value': 100" in msg and "59172" in msg


def test_negative_population(pipeline_home, snapshot_copy):
    _edit(snapshot_copy / COMPARATEUR_2025.file,
          lambda t: "".join(line.replace("59172,20622,", "59172,-20622,", 1) if line.startswith("59172,") else line for line in t.splitlines(True)))
    msg = _run_with(snapshot_copy, pipeline_home, dataset=COMPARATEUR_2025)
    assert "P22_POP" in msg and "1 failing row" in msg


def test_latin1_semicolon_file_fails_clearly(pipeline_home, snapshot_copy):
    path = snapshot_copy / COMMUNES.file
    text = path.read_text(encoding="utf-8").replace(",", ";")
    path.write_bytes(text.encode("cp1252"))
    msg = _run_with(snapshot_copy, pipeline_home, dataset=COMMUNES)
    assert "not valid UTF-8" in msg and "iconv" in msg and COMMUNES.file in msg


def test_truncated_file(pipeline_home, snapshot_copy):
    path = snapshot_copy / COMPARATEUR_2025.file
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    msg = _run_with(snapshot_copy, pipeline_home, dataset=COMPARATEUR_2025)
    assert "truncated" in msg


def test_empty_file(pipeline_home, snapshot_copy):
    (snapshot_copy / FILOSOFI_2021.file).write_bytes(b"")
    msg = _run_with(snapshot_copy, pipeline_home, dataset=FILOSOFI_2021)
    assert "is empty" in msg and FILOSOFI_2021.file in msg


def test_only_secret_markers_in_a_column(pipeline_home, snapshot_copy):
    def all_secret(t):
        lines = t.splitlines(True)
        header = lines[0].rstrip("\r\n").split(",")
        i = header.index("MED21")
        out = [lines[0]]
        for line in lines[1:]:
            cells = line.rstrip("\r\n").split(",")
            cells[i] = "s"
            out.append(",".join(cells) + "\n")
        return "".join(out)
    _edit(snapshot_copy / FILOSOFI_2021.file, all_secret)
    msg = _run_with(snapshot_copy, pipeline_home, dataset=FILOSOFI_2021)
    assert "MED21" in msg and "expect_column_values_to_not_be_null" in msg


def test_rejected_batch_is_kept_and_marked(pipeline_home, snapshot_copy):
    _edit(snapshot_copy / FILOSOFI_2021.file, lambda t: t.replace("MED21", "MEDIANE21", 1))
    _run_with(snapshot_copy, pipeline_home, dataset=FILOSOFI_2021)
    import duckdb

    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
        status = con.execute("SELECT status FROM audit.raw_batches WHERE dataset = 'insee_filosofi_2021' "
                             "ORDER BY status_at DESC LIMIT 1").fetchone()[0]
        raw_cols = [r[0] for r in con.execute("DESCRIBE raw.insee_filosofi_2021").fetchall()]
        landing_cols = [r[0] for r in con.execute("DESCRIBE landing.insee_filosofi_2021").fetchall()]
    assert status == "rejected"
    assert "MED21" in raw_cols and "MEDIANE21" in landing_cols  # raw keeps the last good batch
    assert list((pipeline_home / "raw" / "insee_filosofi_2021").glob("*.rejected.json"))


def test_population_jump_warns_without_blocking(snapshot_copy):
    """A new vintage where a commune's population jumped 60 %: listed by the WARN check, which is
    declared non-blocking (the run goes on). Checked on a DuckDB of the real files, without a run."""
    import duckdb

    from ingest.catalog import COMPARATEUR_2021, GEOGRAPHY
    from orchestration.raw_assets import population_drift_check
    from quality import drift

    _edit(snapshot_copy / COMPARATEUR_2025.file,
          lambda t: "".join(line.replace("59172,20622,", "59172,32995,", 1) if line.startswith("59172,") else line
                            for line in t.splitlines(True)))
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA landing; CREATE SCHEMA raw")
        for schema, ds in (("landing", COMPARATEUR_2025), ("raw", COMPARATEUR_2021), ("raw", GEOGRAPHY)):
            con.execute(f"CREATE TABLE {schema}.{ds.name} AS SELECT * FROM read_csv(?, all_varchar = true)",
                        [str(snapshot_copy / ds.file)])
        rows = drift.population_drift(con)
    assert rows == [("59172", 19_933.0, 32_995.0, 0.655)]
    spec = next(iter(population_drift_check.check_specs))
    assert spec.blocking is False


PANEL_HEADER = "cycle,criterion_id,impacts_imputables_pdt,acquis_consolides,difficultes_retards_echecs,objectifs_amelioration\n"


def _build_panel(project, rows: str):
    """dbt build of the panel seed in a copy of the project, with the panel's rows replaced."""
    import subprocess
    import sys

    (project / "seeds" / "panel_grid.csv").write_text(PANEL_HEADER + rows, encoding="utf-8")
    env = {**os.environ, "BAROMETRE_DUCKDB_PATH": str(project.parent / "panel.duckdb")}
    return subprocess.run([sys.executable, "-m", "dbt.cli.main", "build", "--select", "panel_grid criteria",
                           "--project-dir", str(project), "--profiles-dir", str(project)],
                          env=env, capture_output=True, text=True)


@pytest.mark.slow  # end to end: CI runs it (make test-slow)
def test_a_panel_grid_with_a_malformed_row_or_an_unknown_criterion_is_refused(tmp_path):
    """The panel's seed is validated by dbt: a malformed row does not compile; an unknown criterion
    stops the build, and the row is kept to show. One copy of the project (the second build parses less)."""
    import shutil

    import duckdb

    from orchestration.dbt_project import DBT_PROJECT_DIR

    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    result = _build_panel(project, "2024,CDV1,trop,de,champs,ici,et,encore\n")
    assert result.returncode != 0
    assert "Compilation Error in seed panel_grid" in result.stdout
    assert "has 8 values, but Table only has 6 columns" in result.stdout

    result = _build_panel(project, "2024,CDV9,Nouvelle maison de santé,,,\n")
    assert result.returncode == 1
    assert "relationships_panel_grid_criterion_id" in result.stdout and "FAIL 1" in result.stdout
    with duckdb.connect(str(tmp_path / "panel.duckdb"), read_only=True) as con:
        table = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'dbt_test__audit' "
                            "AND table_name LIKE 'relationships_panel_grid%'").fetchone()[0]
        failing = con.execute(f'SELECT * FROM dbt_test__audit."{table}"').fetchall()
    assert failing[0][0] == "CDV9"


def test_tidy_file_faults_are_each_named(pipeline_home, snapshot_copy):
    """One long-format delivery with four faults: a renamed variable, a wrong unit, residential above
    all sectors, a negative value. The gate names each, with the rows."""
    path = snapshot_copy / ORE_CONSO.file

    def corrupt(text):
        lines = text.splitlines()
        out = []
        for line in lines:
            if line.startswith("COM,59172,conso_elec_residentiel_mwh,"):  # residential > all sectors
                line = "COM,59172,conso_elec_residentiel_mwh,2024,99999999,MWh"
            elif line.startswith("COM,59002,conso_gaz_residentiel_mwh,"):
                line = line.rsplit(",", 1)[0] + ",kWh"  # wrong unit
            elif line.startswith("COM,59038,conso_elec_tous_secteurs_mwh,"):
                line = "COM,59038,conso_elec_tous_secteurs_mwh,2024,-5,MWh"  # negative
            out.append(line.replace("nb_mailles_secretisees_gaz", "nb_mailles_secret_gaz"))  # renamed variable
        return "\n".join(out) + "\n"

    _edit(path, corrupt)
    msg = _run_with(snapshot_copy, pipeline_home, dataset=ORE_CONSO)
    assert ORE_CONSO.name in msg and "What to do" in msg
    assert "unknown variable" in msg and "nb_mailles_secret_gaz" in msg
    assert "consistency rule a <= b broken" in msg and "conso_elec_residentiel_mwh 1e+08 > conso_elec_tous_secteurs_mwh" in msg
    assert "unit" in msg and "MWh" in msg  # the unit regex of the energy rule
    assert "expect_column_values_to_be_between" in msg and "-5" in msg


def test_tidy_file_missing_territory_commune(pipeline_home, snapshot_copy):
    path = snapshot_copy / CAF_BENEFICIARIES.file
    _edit(path, lambda t: "\n".join(line for line in t.splitlines() if ",59172," not in line) + "\n")
    msg = _run_with(snapshot_copy, pipeline_home, dataset=CAF_BENEFICIARIES)
    assert "territory communes missing" in msg and "59172" in msg


def test_commune_without_a_population_year_is_refused(pipeline_home, snapshot_copy):
    """A member commune lacking a population vintage the marts need (what live mode got from
    DS_POPULATIONS_REFERENCE, which holds the latest year only) stops the run."""
    import pandas as pd

    path = snapshot_copy / COMMUNES.file
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[df["code_insee"] == "59172", "population_pkg0_8_0_pl2016_src3677855"] = ""
    df.to_csv(path, index=False, lineterminator="\n")
    msg = _run_with(snapshot_copy, pipeline_home, dataset=COMMUNES)
    assert "population_pkg0_8_0_pl2016_src3677855" in msg and "not_be_null" in msg


def test_a_commune_leaving_the_territory_is_news_not_applied(pipeline_home, snapshot_copy):
    """A geography delivery that moves Denain to another EPCI: refused with the commune named."""
    from ingest.catalog import GEOGRAPHY

    _edit(snapshot_copy / GEOGRAPHY.file,
          lambda t: "".join(line.replace(",200042190,", ",245901160,", 1) if line.startswith("59172,") else line
                            for line in t.splitlines(True)))
    msg = _run_with(snapshot_copy, pipeline_home, dataset=GEOGRAPHY)
    assert "territory membership changed: 47 -> 46 communes (joined: none; left: ['59172'])" in msg
    assert "BAROMETRE_ACCEPT_MEMBERSHIP_CHANGE=1" in msg

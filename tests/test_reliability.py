"""Reliability: no silent change to a published number, and every fault survived (README, "Reliability").

Each case feeds one fault to the real pipeline (real DuckDB file, dbt, GX) and checks what a reader
can see afterwards: the message, and that the marts, the exports and the publications are unchanged.
"""

import hashlib
import os
import re
from pathlib import Path

import duckdb
import pytest

from ingest.catalog import COMPARATEUR_2025, DATASETS, SSMSI_OFFENCES
from quality.suites import numeric_columns
from tests.helpers import edit, fingerprint, run_with


def marts_checksum(home: Path) -> dict[str, str]:
    """A checksum of every table a reader sees in schema marts."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()]
        return {t: hashlib.sha256(con.execute(f"SELECT * FROM marts.{t} ORDER BY ALL").df().to_csv().encode()).hexdigest()
                for t in tables}


def _replace_cell(text: str, commune: str, column: str, value: str) -> str:
    lines = text.splitlines(True)
    col = lines[0].rstrip("\r\n").split(",").index(column)
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.rstrip("\r\n").split(",")
        if cells[0] == commune:
            cells[col] = value
        out.append(",".join(cells) + "\n")
    return "".join(out)


def test_the_gate_parses_every_column_a_staging_model_casts(pipeline_home, tmp_path, monkeypatch):
    """The catalogue's numeric columns are what the compiled staging models cast: a column a model reads
    as a number but the gate does not parse would turn a stray '1 234' into NULL unnoticed."""
    from dbt.cli.main import dbtRunner

    from orchestration.dbt_project import DBT_PROJECT_DIR

    # compiled against a scratch file: dbt keeps its connection open in this process
    monkeypatch.setenv("BAROMETRE_DUCKDB_PATH", str(tmp_path / "compile.duckdb"))
    res = dbtRunner().invoke(["compile", "--select", "staging", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                              "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target")])
    assert res.success, res.exception
    by_name = {d.name: d for d in DATASETS}
    # insee_number(col), tidy years, and plain casts; left(col, 4) reads a period's year (dataset.periods)
    cast = re.compile(r"try_cast\(nullif\((?:nullif\(nullif\()?trim\((\w+)\)|(?:try_)?cast\(\s*\"?(\w+)\"?\s+as\s", re.I)
    checked = 0
    for r in res.result.results:
        code = r.node.compiled_code or ""
        for source in set(re.findall(r'"raw"\."(\w+)"', code)):
            if source not in by_name:
                continue  # the services' deliveries: typed and checked by quality/roadmap_gate.py
            dataset = by_name[source]
            casts = {a or b for a, b in cast.findall(code)} - set(dataset.periods)
            assert casts <= set(numeric_columns(dataset)), (source, sorted(casts - set(numeric_columns(dataset))))
            checked += len(casts)
    assert checked > 150


def test_a_cell_a_model_would_read_as_null_is_refused(pipeline_home, snapshot_copy):
    """'1 234' births in a column no range rule names (NAIS1621): refused with the commune and line."""
    edit(snapshot_copy / COMPARATEUR_2025.file, lambda t: _replace_cell(t, "59172", "NAIS1621", "1 234"))
    msg = run_with(snapshot_copy, pipeline_home, dataset=COMPARATEUR_2025)
    assert "not a number, a secret marker (s, nd) or empty" in msg
    assert "NAIS1621='1 234'" in msg and "'CODGEO': '59172'" in msg and "'_line':" in msg


def test_an_unknown_commune_code_is_refused_even_far_from_the_territory(pipeline_home, snapshot_copy):
    """A region-wide file where an Aisne commune's code became 02999: no coverage rule would notice."""
    edit(snapshot_copy / COMPARATEUR_2025.file, lambda t: t.replace("\n02001,", "\n02999,", 1))
    msg = run_with(snapshot_copy, pipeline_home, dataset=COMPARATEUR_2025)
    assert "territory code unknown to the geography" in msg and "COM 02999" in msg and "'_line': 2" in msg


def test_a_count_ten_times_larger_than_the_accepted_one_is_refused(pipeline_home, snapshot_copy):
    edit(snapshot_copy / COMPARATEUR_2025.file, lambda t: _replace_cell(t, "59172", "P22_LOG", "98760"))
    msg = run_with(snapshot_copy, pipeline_home, dataset=COMPARATEUR_2025)
    assert "implausible change from the previous accepted batch" in msg
    assert re.search(r"59172 P22_LOG: 9087\.\d+ -> 98760 \(x10\.9\)", msg), msg


def test_a_regional_total_that_moves_is_refused(pipeline_home, snapshot_copy):
    """A Nord file that lost a quarter of its communes' rows (the territory's are all there)."""
    from ingest.catalog import COMMUNES

    ours = set(pd_codes(COMMUNES))
    edit(snapshot_copy / SSMSI_OFFENCES.file,
         lambda t: "".join(line for line in t.splitlines(True)
                           if not (line.startswith("COM,595") and line.split(",")[1] not in ours)))
    msg = run_with(snapshot_copy, pipeline_home, dataset=SSMSI_OFFENCES)
    assert "implausible change" in msg and "total of COM" in msg


def pd_codes(dataset) -> list[str]:
    import pandas as pd

    from ingest import settings

    return pd.read_csv(settings.EMBEDDED_DIR / dataset.file, dtype=str)[dataset.commune_key].tolist()


@pytest.mark.slow  # end to end: CI runs it
def test_a_failed_dbt_test_leaves_the_marts_readers_see(pipeline_home, snapshot_copy):
    """Write-audit-publish on the warehouse: a delivery that passes every gate but breaks a test of
    fct_indicator_value (a year 2031) is built in marts_candidate, refused, and never reaches marts."""
    before = marts_checksum(pipeline_home)
    edit(snapshot_copy / SSMSI_OFFENCES.file,
         lambda t: re.sub(r"^(COM,59172,violences_physiques_intrafamiliales_\w+),2025,", r"\1,2031,", t, flags=re.M))
    msg = run_with(snapshot_copy, pipeline_home, dataset=SSMSI_OFFENCES, untouched=("exports",))
    assert "accepted_range_fct_indicator_value_year" in msg and "marts_candidate" in msg
    assert marts_checksum(pipeline_home) == before
    with duckdb.connect(str(pipeline_home / "warehouse.duckdb"), read_only=True) as con:
        refused = con.execute("SELECT count(*) FROM marts_candidate.fct_indicator_value WHERE year = 2031").fetchone()[0]
        seen = con.execute("SELECT count(*) FROM marts.fct_indicator_value WHERE year = 2031").fetchone()[0]
        audit = con.execute("SELECT count(*) FROM audit.check_results WHERE asset = 'dbt' AND NOT passed").fetchone()[0]
    assert refused > 0 and seen == 0 and audit >= 1  # the refused test is in the audit trail


RUN = """
import sys
import dagster as dg
from orchestration.cli import execute_job, summarise
from orchestration.definitions import defs
from orchestration.instance import ensure_dagster_home
ensure_dagster_home()
selection = None if sys.argv[1] == "all" else list(
    dg.AssetSelection.assets(dg.AssetKey(["raw", sys.argv[1]])).downstream().resolve(defs.resolve_asset_graph()))
ok, lines = summarise(execute_job("refresh", selection=selection))
print("\\n".join(lines))
sys.exit(0 if ok else 1)
"""


def _start_run(home: Path, what: str):
    """A refresh in a child process: of one dataset and what is downstream of it, or of everything."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "BAROMETRE_SNAPSHOT_DIR")}
    env["BAROMETRE_HOME"] = str(home)
    return subprocess.Popen([sys.executable, "-c", RUN, what], env=env, cwd=Path(__file__).parent.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _swap_exports_and_die(home: str) -> None:
    import signal

    os.environ["BAROMETRE_HOME"] = home
    from orchestration.exports import write_exports

    write_exports(Path(home) / "exports", between_renames=lambda: os.kill(os.getpid(), signal.SIGKILL))


def _counts(home: Path) -> tuple:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return (con.execute("SELECT count(*) FROM audit.raw_batches").fetchone()[0],
                con.execute("SELECT count(*) FROM raw.commune_reference").fetchone()[0],
                con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0],
                sorted(p.name for p in (home / "raw").glob("*/*") if p.is_dir()))


GATE_IN_A_NEW_PROCESS = """
import sys
from ingest import catalog, landing, settings, warehouse
from quality import gate
ds = catalog.GEOGRAPHY  # the shipped file (earlier tests leave bad batches in landing)
batch = landing.land(ds, (settings.EMBEDDED_DIR / ds.file).read_bytes(), "ingest/embedded/" + ds.file, "embedded")
with warehouse.connect() as con:
    landing.load_landing(con, ds, batch)
    result = gate.run_gate(con, ds, "new-process")
print(result.message())
sys.exit(0 if result.passed else 1)
"""


@pytest.mark.slow  # a fresh Python process with GX's start-up: CI runs it
def test_a_suite_that_changed_is_stored_again_and_validated_in_a_new_process(pipeline_home, tmp_path):
    """A gate whose expectations changed since the stored suite (here: its sha256 altered) stores the suite
    again and validates, in a process where GX loads the data source from its config (the path a run
    takes after a code or territory change; GX's assets reached otherwise lose their context)."""
    import json
    import shutil
    import subprocess
    import sys

    home = tmp_path / "home"
    shutil.copytree(pipeline_home, home, symlinks=True)
    stored = home / "quality" / "gx" / "expectations" / "raw_geo_appartenance_2022.json"
    suite = json.loads(stored.read_text(encoding="utf-8"))
    suite["meta"]["sha256"] = "changed"
    stored.write_text(json.dumps(suite), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env["BAROMETRE_HOME"] = str(home)
    done = subprocess.run([sys.executable, "-c", GATE_IN_A_NEW_PROCESS], env=env, cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "expectations passed on 3788 rows" in done.stdout
    assert json.loads(stored.read_text(encoding="utf-8"))["meta"]["sha256"] not in ("changed", None)


@pytest.mark.slow  # a killed run, a killed export swap, and a whole recovering run: CI runs it
def test_kill_9_while_dbt_builds_and_mid_export_swap_then_the_next_run_recovers(pipeline_home, tmp_path, monkeypatch):
    """kill -9 while dbt builds, and between the two renames of the export swap (mid-publication:
    tests/test_publication.py). After each: the warehouse opens, the marts and exports readers see are
    the last accepted ones. Then a whole refresh completes (the dead run's pool slot freed, its orphaned
    dbt child stopped, the swap undone) and duplicates nothing."""
    import multiprocessing
    import shutil
    import signal
    import time

    import dagster as dg

    from orchestration.dbt_project import DBT_PROJECT_DIR

    home = tmp_path / "home"
    shutil.copytree(pipeline_home, home, symlinks=True)
    exports_before, marts_before, counts_before = fingerprint(home / "exports"), marts_checksum(home), _counts(home)
    targets = DBT_PROJECT_DIR / "target"
    dbt_dirs = len(list(targets.glob("barometre_dbt_assets-*")))
    run, started = _start_run(home, "ssmsi_offences"), time.monotonic()
    while len(list(targets.glob("barometre_dbt_assets-*"))) == dbt_dirs:  # dbt has started
        assert run.poll() is None, f"the run ended before dbt: {run.communicate()}"
        assert time.monotonic() - started < 180, "dbt never started"
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait()
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:  # opens read-write: the WAL is replayed or dropped
        assert con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0] > 0
    assert marts_checksum(home) == marts_before and fingerprint(home / "exports") == exports_before
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    with dg.DagsterInstance.get() as instance:
        claimed = instance.event_log_storage.get_concurrency_info("duckdb").active_run_ids
    assert claimed, "the killed run holds the pool's slot (what made every later run wait for ever)"

    child = multiprocessing.get_context("spawn").Process(target=_swap_exports_and_die, args=(str(home),))
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    assert not (home / "exports").exists() and fingerprint(home / "exports.old") == exports_before

    final = _start_run(home, "all")
    out, err = final.communicate(timeout=400)
    assert final.returncode == 0, out + err
    assert "recovered: run" in err and "pool slot freed" in err and "the previous set was restored" in err
    assert (home / "exports").is_dir() and not list(home.glob(".exports-*")) and not (home / "exports.old").exists()
    assert set(fingerprint(home / "exports")) == set(exports_before)
    assert _counts(home) == counts_before  # the same inputs again: no batch, row or folder twice


def _mount(*args: str) -> None:
    import subprocess

    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode:  # CI runs as root on this machine: there a failed mount is a failure, not a skip
        why = f"mounting a small disk needs root (CAP_SYS_ADMIN): {done.stderr.strip()}"
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)


@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB tmpfs: a disk too small for a run, that can be turned read-only."""
    import subprocess

    point = tmp_path / "disk"
    point.mkdir()
    _mount("-t", "tmpfs", "-o", "size=40m", "tmpfs", str(point))
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def _cli(monkeypatch, home: Path, *argv: str) -> int:
    from orchestration.cli import main

    monkeypatch.setenv("BAROMETRE_HOME", str(home))
    return main(list(argv))


def test_a_disk_without_room_is_refused_before_anything_is_written(small_disk, monkeypatch, capsys):
    home = small_disk / "home"
    assert _cli(monkeypatch, home, "run") == 2
    err = capsys.readouterr().err
    assert "MB free on the disk of" in err and "a run needs about 256 MB" in err and "Nothing was landed" in err
    assert not home.exists()  # the write probe created nothing


def test_a_read_only_home_is_refused_in_one_paragraph(small_disk, monkeypatch, capsys):
    home = small_disk / "home"
    (home / "exports").mkdir(parents=True)
    (home / "exports" / "barometer.csv").write_text("criterion_id\nCDV1\n")
    _mount("-o", "remount,ro", str(small_disk))
    assert _cli(monkeypatch, home, "run") == 2
    err = capsys.readouterr().err
    assert f"BAROMETRE_HOME {home} is on a read-only file system" in err and "Traceback" not in err
    assert (home / "exports" / "barometer.csv").read_text() == "criterion_id\nCDV1\n"


def test_a_read_only_publication_folder_is_refused_before_any_refresh(small_disk, monkeypatch, capsys, tmp_path):
    home = tmp_path / "home"
    published = home / "published"
    published.mkdir(parents=True)
    _mount("--bind", str(small_disk), str(published))
    _mount("-o", "remount,bind,ro", str(published))
    try:
        assert _cli(monkeypatch, home, "publish", "--cycle", "2024") == 2
    finally:
        import subprocess

        subprocess.run(["umount", "-l", str(published)], check=False)
    err = capsys.readouterr().err
    assert f"the publication folder {published} is on a read-only file system" in err
    assert not (home / "raw").exists() and not (home / "warehouse.duckdb").exists()  # no refresh began


def test_a_second_run_waits_for_the_first_and_says_so(tmp_path, monkeypatch, capsys):
    """Another barometre process holds the home's run lock: this run waits, saying who it waits for,
    and stops in one paragraph when BAROMETRE_LOCK_WAIT runs out; nothing is landed."""
    import subprocess
    import sys

    home = tmp_path / "home"
    env = {**os.environ, "BAROMETRE_HOME": str(home)}
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time\nfrom orchestration.recovery import run_lock\n"
         "with run_lock('refresh'):\n    print('ready', flush=True)\n    time.sleep(60)"],
        env=env, cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("BAROMETRE_LOCK_WAIT", "6")
        assert _cli(monkeypatch, home, "run", "--force") == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert f"waiting for the run of process {holder.pid} (barometre refresh, started" in err
    assert f"another barometre run holds {home} (process {holder.pid}" in err and "Nothing was changed" in err
    assert not (home / "raw").exists() and "Traceback" not in err


@pytest.mark.parametrize("origin, published", [
    ("https://user:s3cret@api.example.fr/melodi/data/DS_X?apiKey=abc&maxResult=1000 (page 1)",
     "https://api.example.fr/melodi/data/DS_X?maxResult=1000 (page 1)"),
    ("https://www.insee.fr/fr/statistiques/fichier/2028028/dossier.zip?token=xyz",
     "https://www.insee.fr/fr/statistiques/fichier/2028028/dossier.zip"),
    ("/home/analyst/Bureau/livraison/filosofi_2021_communes_hdf.csv", "delivery/filosofi_2021_communes_hdf.csv"),
    ("ingest/embedded/filosofi_2021_communes_hdf.csv", "ingest/embedded/filosofi_2021_communes_hdf.csv"),
])
def test_nothing_private_is_published(origin, published):
    """Manifest and report name inputs by public URL or project path: no credentials, no machine path."""
    from ingest.sources import public_name

    assert public_name(origin) == published


def test_a_rejection_marker_of_a_batch_accepted_later_is_marked_superseded(pipeline_home):
    """A batch refused once (say, before its geography arrived) and accepted by a later gate: its
    .rejected.json must not keep saying it was refused."""
    from ingest import settings, warehouse
    from ingest.catalog import HMD_MX
    from quality.gate import run_gate

    with warehouse.connect() as con:
        sha = con.execute("SELECT sha256 FROM audit.raw_batches WHERE dataset = ? ORDER BY status_at DESC LIMIT 1",
                          [HMD_MX.name]).fetchone()[0]
        marker = settings.raw_dir() / HMD_MX.name / f"{sha[:16]}.rejected.json"
        marker.write_text('{"failures": ["refused by an earlier run"]}')
        assert run_gate(con, HMD_MX, "run-accepting-it").passed
    assert not marker.exists()
    assert (marker.parent / f"{sha[:16]}.rejected-superseded-by-run-run-acce.json").exists()

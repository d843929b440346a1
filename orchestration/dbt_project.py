"""The dbt project as Dagster sees it (kept in its own module, as dagster-dbt recommends).

`dagster dev` re-parses the project on load (prepare_if_dev); the CLI, the Makefile and the
tests call prepare() once before loading the definitions, so a manifest always exists.
"""

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
# The dbt installed beside this Python, even when the venv's bin is not on PATH (`.venv/bin/barometre run`).
DBT_EXECUTABLE = shutil.which("dbt") or str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for d in ("models", "seeds", "macros", "tests") for p in (DBT_PROJECT_DIR / d).rglob("*") if p.is_file()]
    sources += [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    return any(p.stat().st_mtime > built for p in sources)


def prepare() -> Path:
    """Run `dbt parse` when target/manifest.json is missing or older than the project files."""
    if manifest_is_stale():  # dagster-dbt's preparer would look for `dbt` on PATH only
        from dagster_dbt import DbtCliResource

        DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
            ["parse", "--quiet"], target_path=dbt_project.target_path).wait()
    return dbt_project.manifest_path

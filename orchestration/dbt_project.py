"""The dbt project as Dagster sees it (kept in its own module, as dagster-dbt recommends).

`dagster dev` re-parses the project on load (prepare_if_dev); the CLI, the Makefile and the
tests call prepare() once before loading the definitions, so a manifest always exists.
"""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare() -> Path:
    """Run `dbt parse` so that target/manifest.json matches the models on disk."""
    from ingest import settings

    settings.export_env()
    dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path

"""A run's settings as a Dagster resource: what the launchpad, the schedules and the CLI configure.

    resources:
      barometre:
        config: {territory: "200042190", source: live, snapshot_dir: /path/to/delivery, cycle: 2027,
                 new_revision: false, force_future: false}

Unset fields take the deployment's defaults (BAROMETRE_* variables, ingest/settings.py). Every
asset of the jobs requires this resource, so it is set up once when a run starts: it validates the
values (the CLI's messages), refuses a publication that may not happen before anything is refreshed,
applies the values to ingest.settings for the run, and tags the run with them.
"""

from __future__ import annotations

import dagster as dg
from pydantic import Field, PrivateAttr

from ingest import settings

KEY = "barometre"


class BarometreSettings(dg.ConfigurableResource):
    territory: str | None = Field(default=None, description="The EPCIs of Hauts-de-France the marts cover: a SIREN "
                                  "(9 digits), SIRENs separated by commas, or 'all'. The barometer publishes the first "
                                  "(La Porte du Hainaut for 'all'). Default BAROMETRE_TERRITORY or 200042190.")
    source: str | None = Field(default=None, description="'embedded' (the shipped real snapshot, default) or 'live' "
                               "(the public APIs).")
    snapshot_dir: str | None = Field(default=None, description="A delivery folder in the embedded format to try "
                                     "instead of the shipped snapshot (absolute path on the machine that runs).")
    cycle: int | None = Field(default=None, description="Triennial cycle to describe and publish (2024, 2027, ...); "
                              "default: the latest one not after this year.")
    new_revision: bool = Field(default=False, description="publish job: publish a cycle already published as a new "
                               "revision (<cycle>-rN); a publication is never overwritten.")
    force_future: bool = Field(default=False, description="publish job: allow a cycle year after the current year.")

    _previous: dict = PrivateAttr(default_factory=dict)

    def values(self) -> dict[str, object]:
        return {"territory": self.territory, "source": self.source, "snapshot_dir": self.snapshot_dir,
                "cycle": self.cycle, "new_revision": self.new_revision, "force_future": self.force_future}

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        try:
            self._previous = settings.apply(self.values())
        except ValueError as exc:
            raise dg.Failure(description=f"run configuration refused: {exc}") from None
        run = context.run
        if run is not None and context.instance is not None:
            context.instance.add_run_tags(run.run_id, settings.run_tags())
        if run is not None and run.job_name == "publish":
            from orchestration.publication import PublicationError, check_publishable

            try:
                check_publishable()
            except (PublicationError, ValueError) as exc:
                settings.apply(self._previous)
                raise dg.Failure(description=f"Publication refused before any refresh: {exc}") from None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        settings.apply(self._previous)


def run_config(values: dict[str, object]) -> dict:
    """The run configuration that sets these values (what the CLI passes; the launchpad's YAML)."""
    return {"resources": {KEY: {"config": {k: v for k, v in values.items() if v not in (None, False)}}}}

"""Freshness policies that follow each source's release rhythm (evaluated by Dagster's freshness daemon).

A yearly source (census, Filosofi, the comparateur: INSEE's releases at the end of June) is stale
when it was not landed between 30 June and 2 July, around the annual refresh of 1 July; a monthly
register (charging points, DPE) when it was not landed around the monthly refresh of the 1st. The UI
shows each raw asset's freshness; a stale source never blocks a run, it says that a schedule did not land.
"""

from datetime import timedelta

import dagster as dg

from ingest.catalog import DATASETS

TIMEZONE = "Europe/Paris"
RHYTHMS = {  # rhythm -> (the refresh's cron, the freshness deadline a day later)
    "yearly": ("0 6 1 7 *", "0 9 2 7 *"),
    "monthly": ("0 6 1 * *", "0 9 2 * *"),
}


def policy(rhythm: str) -> dg.FreshnessPolicy:
    return dg.FreshnessPolicy.cron(deadline_cron=RHYTHMS[rhythm][1], lower_bound_delta=timedelta(days=2),
                                   timezone=TIMEZONE)


def keys(rhythm: str) -> list[dg.AssetKey]:
    return [dg.AssetKey(["raw", d.name]) for d in DATASETS if d.rhythm == rhythm]

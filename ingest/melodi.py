"""Client for INSEE's Melodi API (https://api.insee.fr/melodi, no key, 30 requests a minute).

`/data/{dataset}?GEO=COM-59172&...` answers JSON: `observations[]`, each with `dimensions`
(GEO as "<geo_ref>-<level>-<code>", TIME_PERIOD, dataset measures), optional `attributes`, and
`measures.OBS_VALUE_NIVEAU.value`; `paging.count` gives the number of rows when `totalCount=true`.
One request returns at most 10,000 observations (`maxResult`).
"""

from __future__ import annotations

import io
import json
import os

import pandas as pd

from ingest.errors import SourceError
from ingest.http import get_bytes, get_zip_member

MAX_RESULT = 10_000


def base_url() -> str:
    return os.environ.get("BAROMETRE_MELODI_API", "https://api.insee.fr/melodi").rstrip("/")


def observations(dataset: str, **filters: str) -> pd.DataFrame:
    """All observations of `dataset` matching `filters`, one row each: dimensions + OBS_VALUE."""
    url = f"{base_url()}/data/{dataset}"
    params = {**filters, "maxResult": str(MAX_RESULT), "totalCount": "true"}
    body = get_bytes(url, params=params)
    try:
        payload = json.loads(body)
        rows = payload["observations"]
        count = payload.get("paging", {}).get("count", len(rows))
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(url, f"unexpected Melodi answer ({exc.__class__.__name__}: {exc}); "
                               "expected JSON with observations[].",
                          "Check the dataset id and filters on https://catalogue-donnees.insee.fr.") from None
    if count > len(rows):
        raise SourceError(url, f"{count} observations match but one request returns at most {MAX_RESULT}.",
                          "Narrow the filters (one GEO per request).")
    records = []
    for obs in rows:
        try:
            value = obs["measures"]["OBS_VALUE_NIVEAU"]["value"]
            record = dict(obs["dimensions"])
        except (KeyError, TypeError):
            raise SourceError(url, "an observation lacks dimensions or measures.OBS_VALUE_NIVEAU.value "
                                   "(renamed field?).", "Update ingest/melodi.py to the API's current format.") from None
        record["OBS_VALUE"] = value
        records.append(record)
    df = pd.DataFrame.from_records(records)
    if "GEO" in df.columns:
        df["GEO_CODE"] = df["GEO"].astype(str).str.rsplit("-", n=1).str[-1]
    return df


def bulk_file(dataset: str) -> pd.DataFrame:
    """The whole dataset from Melodi's file service: `/file/{ds}/{ds}_CSV_FR`, a zip holding
    `{ds}_data.csv` (';'-separated) and its metadata. Used where one request per commune would
    take hours at 30 requests a minute."""
    url = f"{base_url()}/file/{dataset}/{dataset}_CSV_FR"
    data = get_zip_member(url, f"{dataset}_data.csv")
    return pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")

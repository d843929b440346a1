"""Client for INSEE's Melodi API (https://api.insee.fr/melodi, no key, 30 requests a minute).

Shapes, as recorded in INSEE's own client's fixtures (InseeFrLab/melodi) and in
reference/api_samples/:
- `/data/{dataset}?GEO=EPCI-<siren>*COM&...&maxResult=10000&totalCount=true` answers
  `{"paging": {"count": N, "next": ...}, "observations": [{"dimensions": {"GEO": "2025-COM-59172",
  "TIME_PERIOD": "2023", ...}, "measures": {"OBS_VALUE_NIVEAU": {"value": 2073.0}}}]}`;
- `/catalog/{dataset}` describes the dataset; its `product[]` lists the file products, each with
  `format` (CSV), `language` (FR) and the `accessURL` of a zip whose members carry the census year
  (`DS_RP_DIPLOMES_PRINC_2023_data.csv`, `..._metadata.csv`);
- an unknown dataset answers HTTP 500 (not retried: see ingest/http.py).
"""

from __future__ import annotations

import json

import pandas as pd

from ingest.errors import SourceError
from ingest.http import get_bytes, melodi_base_url

MAX_RESULT = 10_000


def base_url() -> str:
    return melodi_base_url()


def _json(url: str, params: dict | None = None):
    body = get_bytes(url, params=params)
    try:
        return json.loads(body)
    except ValueError:
        raise SourceError(url, "Melodi's answer is not JSON (an error page?).",
                          "Retry later; if it persists, the API changed: update ingest/melodi.py.") from None


def observations(dataset: str, **filters: str) -> pd.DataFrame:
    """All observations of `dataset` matching `filters`, one row each: dimensions + OBS_VALUE.
    Follows `paging.next` when an answer spans several pages."""
    url = f"{base_url()}/data/{dataset}"
    params: dict | None = {**filters, "maxResult": str(MAX_RESULT), "totalCount": "true"}
    records: list[dict] = []
    count = None
    while url:
        payload = _json(url, params)
        try:
            rows = payload["observations"]
            paging = payload.get("paging") or {}
            count = paging.get("count", count)
        except (KeyError, TypeError, AttributeError) as exc:
            raise SourceError(url, f"unexpected Melodi answer ({exc.__class__.__name__}: {exc}); expected observations[].",
                              "Check the dataset id and filters on https://catalogue-donnees.insee.fr.") from None
        for obs in rows:
            try:
                record = dict(obs["dimensions"])
                record["OBS_VALUE"] = obs["measures"]["OBS_VALUE_NIVEAU"]["value"]
            except (KeyError, TypeError):
                raise SourceError(url, "an observation lacks dimensions or measures.OBS_VALUE_NIVEAU.value "
                                       "(renamed field?).", "Update ingest/melodi.py to the API's current format.") from None
            records.append(record)
        url, params = paging.get("next"), None  # `next` is a complete URL
    if count is not None and int(count) != len(records):
        raise SourceError(f"{base_url()}/data/{dataset}", f"{count} observations announced, {len(records)} received.",
                          "Retry; nothing was landed.")
    df = pd.DataFrame.from_records(records)
    if "GEO" in df.columns:
        df["GEO_CODE"] = df["GEO"].astype(str).str.rsplit("-", n=1).str[-1]
    return df


def csv_product_url(dataset: str) -> tuple[str, str]:
    """The accessURL and id of the dataset's French CSV file product, from `/catalog/{dataset}`.
    The product id carries the census year (..._2022_CSV_FR, then ..._2023_CSV_FR): read it at run
    time, never hard-code it. The newest product wins when several are listed."""
    url = f"{base_url()}/catalog/{dataset}"
    entry = _json(url)
    products = entry.get("product") if isinstance(entry, dict) else None
    if not isinstance(products, list):
        raise SourceError(url, "the catalogue entry has no product[] list.", "Update ingest/melodi.py to the catalogue's format.")
    csv_fr = [p for p in products if str(p.get("format", "")).upper() == "CSV" and str(p.get("language", "")).upper() == "FR"
              and p.get("accessURL")]
    if not csv_fr:
        raise SourceError(url, f"no CSV product in French among {[p.get('id') for p in products]}.",
                          "Check the dataset on https://catalogue-donnees.insee.fr.")
    newest = max(csv_fr, key=lambda p: (str(p.get("issued", "")), str(p.get("id", ""))))
    return newest["accessURL"], str(newest.get("id", ""))

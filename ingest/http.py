"""The one HTTP session of live mode: retries, back-off, Retry-After, rate limit, disk cache.

Every live client goes through `get_bytes()`, so every payload gets the same treatment:
- urllib3 `Retry` retries 429 and 5xx with exponential back-off and honours `Retry-After`;
- requests-ratelimiter keeps us under the endpoint's quota (Melodi: 30 requests a minute);
- requests-cache keeps successful responses on disk under $BAROMETRE_HOME/http_cache, so a rerun
  does not hit the endpoints again (and a cached response costs no quota);
- a body shorter than its Content-Length, or an HTTP error, is a SourceError naming the URL.
"""

from __future__ import annotations

import io
import os
import zipfile
from functools import lru_cache

import requests
from requests.adapters import HTTPAdapter
from requests_cache import CacheMixin
from requests_ratelimiter import LimiterMixin
from urllib3.util.retry import Retry

from ingest import settings
from ingest.errors import SourceError

USER_AGENT = "barometre-porte-du-hainaut/0.1 (+open-source territorial barometer)"
TIMEOUT = (10, 120)  # connect, read (seconds)


class CachedLimiterSession(CacheMixin, LimiterMixin, requests.Session):
    """Cache first, so cached responses are not rate-limited."""


def _float_env(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@lru_cache(maxsize=4)
def _session(cache_dir: str, per_minute: float, backoff: float, retries: int) -> requests.Session:
    session = CachedLimiterSession(
        cache_name=cache_dir, backend="filesystem", expire_after=30 * 24 * 3600,
        allowable_codes=(200,), per_minute=per_minute, per_host=True, burst=1,
    )
    retry = Retry(
        total=retries, connect=retries, read=retries, status=retries,
        backoff_factor=backoff, backoff_max=120,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last response is returned, and reported below with its status
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def session() -> requests.Session:
    """The shared session; limits can be tuned by environment (tests use small back-offs)."""
    return _session(
        str(settings.home() / "http_cache"),
        _float_env("BAROMETRE_HTTP_PER_MINUTE", 30),
        _float_env("BAROMETRE_HTTP_BACKOFF", 2.0),
        int(_float_env("BAROMETRE_HTTP_RETRIES", 5)),
    )


def get_bytes(url: str, params: dict | None = None) -> bytes:
    """GET a URL and return the complete body, or raise a SourceError that says what to do."""
    try:
        response = session().get(url, params=params, timeout=TIMEOUT)
    except requests.exceptions.ChunkedEncodingError as exc:
        raise SourceError(url, f"the response was cut short ({exc.__class__.__name__}): truncated body.",
                          "Retry later; if it persists, download the file by hand and use --snapshot-dir.") from None
    except requests.exceptions.RetryError as exc:
        raise SourceError(url, f"still failing after retries: {exc}", "The service is down or rate-limiting us: "
                          "retry later, or run on the embedded snapshot.") from None
    except requests.exceptions.RequestException as exc:
        raise SourceError(url, f"request failed: {exc.__class__.__name__}: {exc}",
                          "Check the network and the URL, or run on the embedded snapshot (the default).") from None
    if response.status_code != 200:
        raise SourceError(response.url, f"HTTP {response.status_code} {response.reason} after retries.",
                          "Retry later; a persistent 4xx means the endpoint or dataset id changed: update ingest/live.py.")
    body = response.content
    expected = response.headers.get("Content-Length")
    if expected is not None and "Content-Encoding" not in response.headers and int(expected) != len(body):
        raise SourceError(response.url, f"truncated body: {len(body)} bytes of {expected}.",
                          "Retry; nothing was landed from this response.")
    return body


def get_zip_member(url: str, suffix: str) -> bytes:
    """Download a zip and return the member whose name ends with `suffix` (case-insensitive)."""
    body = get_bytes(url)
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            name = next((n for n in z.namelist() if n.lower().endswith(suffix.lower())), None)
            if name is None:
                raise SourceError(url, f"the zip has no {suffix} (found {z.namelist()}).",
                                  "The publisher renamed the file: update the client in ingest/.")
            return z.read(name)
    except zipfile.BadZipFile:
        raise SourceError(url, "the download is not a valid zip (truncated?).", "Retry; nothing was landed.") from None

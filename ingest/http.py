"""The one HTTP session of live mode: retries, back-off, Retry-After, rate limit, disk cache.

Every live client goes through `get_bytes()`, so every payload gets the same treatment:
- urllib3 `Retry` retries 429 and 5xx with exponential back-off and honours `Retry-After`;
- requests-ratelimiter keeps us under the endpoint's quota (Melodi: 30 requests a minute);
- requests-cache keeps successful responses on disk under $BAROMETRE_HOME/http_cache, so a rerun
  does not hit the endpoints again (and a cached response costs no quota);
- a body shorter than its Content-Length, or an HTTP error, is a SourceError naming the URL;
- an HTML page served with status 200 (a portal, maintenance or login page) is an error and is
  never cached; a streamed body, or a zip member once inflated, larger than BAROMETRE_HTTP_MAX_BYTES
  (8 GiB) is refused while it streams; every URL a failed dataset fetched leaves the cache
  (`forget_fetched`), so that the cache keeps only answers that parsed;
- each source has a deadline (BAROMETRE_HTTP_DEADLINE, 900 s) that bounds everything it does:
  retries and Retry-After waits are cut to it, and a body still arriving when it passes (a slow
  drip, which no read timeout ends) has its socket shut; a redirect loop stops after 10 hops;
- a URL that failed is not asked again in the same process (one run): the next dataset that
  needs it fails at once with the first error.
"""

from __future__ import annotations

import math
import os
import socket
import threading
import time
import zipfile
from functools import lru_cache
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from requests_cache import CacheMixin
from requests_ratelimiter import LimiterMixin
from urllib3.util.retry import Retry

from ingest import settings
from ingest.errors import SourceError

USER_AGENT = "barometre-porte-du-hainaut/0.1 (+open-source territorial barometer)"
fetched: list[str] = []  # URLs answered since the current dataset's fetch began (see ingest.sources)
failed: dict[str, SourceError] = {}  # URL -> its error, for this process (a run): never asked twice
_deadline = math.inf  # time.monotonic() by which the current source must be fetched


def deadline_seconds() -> float:
    return _float_env("BAROMETRE_HTTP_DEADLINE", 900)


def start_deadline() -> None:
    """Start the clock of one source (ingest.sources.fetch); `end_deadline` stops it."""
    global _deadline
    _deadline = time.monotonic() + deadline_seconds()


def end_deadline() -> None:
    global _deadline
    _deadline = math.inf


def remaining() -> float:
    return _deadline - time.monotonic()


class DeadlineRetry(Retry):
    """urllib3 Retry whose waits (back-off, Retry-After) never outlast the source's deadline."""

    def get_backoff_time(self) -> float:
        return min(super().get_backoff_time(), max(remaining(), 0))

    def get_retry_after(self, response) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else min(after, max(remaining(), 0))

    def increment(self, *args, **kwargs):
        if remaining() <= 0:  # no new attempt once the deadline has passed
            from urllib3.exceptions import MaxRetryError
            raise MaxRetryError(kwargs.get("_pool"), kwargs.get("url") or "", "the source's deadline passed")
        return super().increment(*args, **kwargs)


def _watchdog(response: requests.Response, *args, **kwargs) -> None:
    """Response hook: shut the socket when the deadline passes while the body is still arriving."""
    sock = _socket(response.raw)
    if sock is None or math.isinf(remaining()):
        return
    timer = threading.Timer(max(remaining(), 0), _shut, args=(sock,))
    timer.daemon = True
    timer.start()
    response.deadline_timer = timer


def _socket(raw) -> socket.socket | None:
    """The socket a urllib3 response reads from: its connection's, or, once http.client has handed
    it to the response (a closing connection), the one under the response's file."""
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if sock is None:
        fp = getattr(getattr(raw, "_fp", None), "fp", None)
        sock = getattr(getattr(fp, "raw", None), "_sock", None)
    return sock


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: the body was complete


def _done(response: requests.Response) -> None:
    timer = getattr(response, "deadline_timer", None)
    if timer is not None:
        timer.cancel()


def max_bytes() -> int:
    return int(_float_env("BAROMETRE_HTTP_MAX_BYTES", 8 * 1024**3))


def _is_data(response: requests.Response) -> bool:
    """requests-cache filter: an HTML page is never kept, whatever its status."""
    return not response.headers.get("Content-Type", "").lower().startswith("text/html")


def forget_fetched() -> None:
    """Drop what the failed dataset fetched from the cache: a later run asks the service again."""
    if fetched:
        session().cache.delete(urls=list(fetched))
    fetched.clear()


def timeout() -> tuple[float, float]:
    """(connect, read) seconds; BAROMETRE_HTTP_TIMEOUT sets the read timeout (default 120 s)."""
    return 10.0, _float_env("BAROMETRE_HTTP_TIMEOUT", 120)


class CachedLimiterSession(CacheMixin, LimiterMixin, requests.Session):
    """Cache first, so cached responses are not rate-limited."""


def _float_env(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _retry(retries: int, backoff: float, statuses: tuple[int, ...]) -> Retry:
    return DeadlineRetry(
        total=retries, connect=retries, read=retries, status=retries,
        backoff_factor=backoff, backoff_max=120,
        status_forcelist=statuses,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last response is returned, and reported below with its status
    )


@lru_cache(maxsize=4)
def _session(cache_dir: str, per_minute: float, backoff: float, retries: int, melodi: str) -> requests.Session:
    session = CachedLimiterSession(
        cache_name=cache_dir, backend="filesystem", expire_after=30 * 24 * 3600,
        allowable_codes=(200,), filter_fn=_is_data, per_minute=per_minute, per_host=True, burst=1,
    )
    adapter = HTTPAdapter(max_retries=_retry(retries, backoff, (429, 500, 502, 503, 504)))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Melodi answers an unknown dataset with HTTP 500: on its data and catalogue routes a 500 is a
    # wrong request, not an outage, so it is not retried (the longest mounted prefix wins).
    no_500 = HTTPAdapter(max_retries=_retry(retries, backoff, (429, 502, 503, 504)))
    for route in ("/data/", "/catalog/"):
        session.mount(melodi + route, no_500)
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = 10
    return session


def session() -> requests.Session:
    """The shared session; limits can be tuned by environment (tests use small back-offs)."""
    return _session(
        str(settings.home() / "http_cache"),
        _float_env("BAROMETRE_HTTP_PER_MINUTE", 30),
        _float_env("BAROMETRE_HTTP_BACKOFF", 2.0),
        int(_float_env("BAROMETRE_HTTP_RETRIES", 5)),
        melodi_base_url(),
    )


def melodi_base_url() -> str:
    return os.environ.get("BAROMETRE_MELODI_API", "https://api.insee.fr/melodi").rstrip("/")


def _get(url: str, params: dict | None = None, stream: bool = False) -> requests.Response:
    """GET with the shared session; any answer but 200 is a SourceError that says what to do."""
    key = requests.Request("GET", url, params=params).prepare().url
    if key in failed:
        first = failed[key]
        raise SourceError(first.source, f"already failed in this run: {first.problem}", first.todo)
    try:
        response = _send(url, params, stream)
    except SourceError as exc:
        failed[key] = exc
        raise
    fetched.append(response.url)
    return response


def _send(url: str, params: dict | None, stream: bool) -> requests.Response:
    if remaining() <= 0:
        raise _late(url)
    connect, read = timeout()
    try:
        response = session().get(url, params=params, stream=stream, hooks={"response": _watchdog},
                                 timeout=(min(connect, remaining()), min(read, remaining())))
    except requests.exceptions.TooManyRedirects:
        raise SourceError(url, f"a redirect loop (more than {session().max_redirects} redirects).",
                          "The endpoint moved or is misconfigured: check the URL in ingest/live.py.") from None
    except requests.exceptions.RequestException as exc:
        if remaining() <= 0:
            raise _late(url) from None
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            raise SourceError(url, f"the response was cut short ({exc.__class__.__name__}): truncated body.",
                              "Retry later; if it persists, download the file by hand and use --snapshot-dir.") from None
        if isinstance(exc, requests.exceptions.RetryError):
            raise SourceError(url, f"still failing after retries: {exc}", "The service is down or rate-limiting us: "
                              "retry later, or run on the embedded snapshot.") from None
        raise SourceError(url, f"request failed: {exc.__class__.__name__}: {exc}",
                          "Check the network and the URL, or run on the embedded snapshot (the default).") from None
    if not stream:
        _done(response)
    if response.status_code == 500 and response.url.startswith((melodi_base_url() + "/data/", melodi_base_url() + "/catalog/")):
        raise SourceError(response.url, "HTTP 500 from Melodi: it answers so for an unknown dataset id or filter.",
                          "Check the dataset id and filters on https://catalogue-donnees.insee.fr (retrying will not help).")
    if response.status_code == 429:
        after = response.headers.get("Retry-After")
        raise SourceError(response.url, "HTTP 429 Too Many Requests: still rate-limited after retries"
                          + (f"; the service asks to come back in {after} s" if after else "") + ".",
                          "Retry after that wait; if it fits, raise BAROMETRE_HTTP_DEADLINE (900 s per source).")
    if response.status_code != 200:
        raise SourceError(response.url, f"HTTP {response.status_code} {response.reason} after retries.",
                          "Retry later; a persistent 4xx means the endpoint or dataset id changed: update ingest/live.py.")
    if not _is_data(response):
        response.close()
        raise SourceError(response.url, "the service answered an HTML page with status 200 (a portal, maintenance or "
                          "login page), not data.", "Retry later; nothing was landed and the page was not cached.")
    return response


def _late(url: str) -> SourceError:
    return SourceError(url, f"the source's deadline of {deadline_seconds():.0f} s passed (a slow or endless answer, or "
                       "retries that did not end).", "Retry later, or raise BAROMETRE_HTTP_DEADLINE for a very large "
                       "file on a slow line. Nothing was landed.")


def _check_length(response: requests.Response, received: int) -> None:
    expected = response.headers.get("Content-Length")
    if expected is not None and "Content-Encoding" not in response.headers and int(expected) != received:
        raise SourceError(response.url, f"truncated body: {received} bytes of {expected}.",
                          "Retry; nothing was landed from this response.")


def get_bytes(url: str, params: dict | None = None) -> bytes:
    """GET a URL and return the complete body (cached), or raise a SourceError that says what to do."""
    response = _get(url, params)
    body = response.content
    _check_length(response, len(body))
    return body


def download(url: str, target: Path) -> Path:
    """Stream a large file (INSEE's 673 MB dossier complet, Melodi's file products) to disk, never
    whole in memory. The HTTP cache is bypassed here: the landed raw batch is the durable copy."""
    received = 0
    with session().cache_disabled():
        response = _get(url, stream=True)
        try:
            with open(target, "wb") as out:
                for chunk in response.iter_content(1 << 20):
                    out.write(chunk)
                    received += len(chunk)
                    if received > max_bytes():
                        raise SourceError(url, f"the body exceeds {max_bytes():,} bytes: stopped while streaming.",
                                          "Check the URL (a wrong file?); if the file really grew, raise "
                                          "BAROMETRE_HTTP_MAX_BYTES. Nothing was landed.")
        except SourceError:
            target.unlink(missing_ok=True)
            raise
        except requests.exceptions.RequestException as exc:
            target.unlink(missing_ok=True)
            if remaining() <= 0:
                raise _late(url) from None
            raise SourceError(url, f"the download broke off after {received} bytes ({exc.__class__.__name__}).",
                              "Retry; nothing was landed.") from None
        finally:
            _done(response)
            response.close()
    _check_length(response, received)
    return target


def extract_zip_member(url: str, dest: Path, name: str | None = None, suffix: str | None = None) -> Path:
    """Download a zip and extract one member into the folder `dest` (streamed, never held as one
    string): the member called `name` exactly (in any folder of the zip), or the only member whose
    name ends with `suffix`. `meta_dossier_complet.csv` must never pass for `dossier_complet.csv`,
    hence exact names where the file name is known."""
    archive = download(url, dest / "download.zip")
    try:
        with zipfile.ZipFile(archive) as z:
            names = z.namelist()
            if name is not None:
                found = [n for n in names if n.rsplit("/", 1)[-1].lower() == name.lower()]
            else:
                found = [n for n in names if n.lower().endswith(str(suffix).lower())]
            if len(found) != 1:
                wanted = name or f"a single member ending in {suffix}"
                raise SourceError(url, f"the zip holds {len(found)} match(es) for {wanted} (members: {names}).",
                                  "The publisher renamed or added files: update the client in ingest/.")
            target = dest / found[0].rsplit("/", 1)[-1]
            _inflate(url, z, found[0], target)
        archive.unlink()
        return target
    except zipfile.BadZipFile:
        raise SourceError(url, "the download is not a valid zip (truncated?).", "Retry; nothing was landed.") from None


def _inflate(url: str, z: zipfile.ZipFile, member: str, target: Path) -> None:
    """Extract one member, refusing one that inflates beyond the cap (declared or actual size)."""
    declared = z.getinfo(member).file_size
    if declared > max_bytes():
        raise SourceError(url, f"the zip member {member} inflates to {declared:,} bytes (cap {max_bytes():,}).",
                          "Check the URL; if the file really grew, raise BAROMETRE_HTTP_MAX_BYTES. Nothing was landed.")
    written = 0
    with z.open(member) as src, open(target, "wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > max_bytes():
                out.close()
                target.unlink(missing_ok=True)
                raise SourceError(url, f"the zip member {member} inflates beyond {max_bytes():,} bytes.",
                                  "Check the URL. Nothing was landed.")
            out.write(chunk)

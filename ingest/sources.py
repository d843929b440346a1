"""One interface for every source: fetch(dataset) gives the payload bytes, their origin and mode.

The embedded snapshot (or a --snapshot-dir delivery in the same format) is the default; live
mode goes to the public endpoints through ingest/live.py. Both return bytes in the embedded
format, so landing, gates and dbt never know which one ran. The mode says what was really used:
in live mode, a dataset without a live client is `embedded`, and its origin says why.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest import settings
from ingest.catalog import Dataset
from ingest.errors import SourceError

SECRET_PARAM = re.compile(r"(token|key|secret|passw|signature|sig|auth|credential|session)", re.I)


def public_origin(path: Path) -> str:
    """A file of the project by its path inside the project; a delivery elsewhere by its file name
    (its sha256 identifies it): never an absolute path of the machine."""
    try:
        return str(path.resolve().relative_to(settings.PROJECT_ROOT))
    except ValueError:
        return f"delivery/{path.name}"


def public_name(origin: str) -> str:
    """An origin as it may be published: a URL without user, password or secret-looking parameters
    (a configured endpoint may carry a token), a path without the machine's folders."""
    head, _, tail = origin.partition(" ")  # live origins: "<url> (product, member ...)"
    if head.startswith(("http://", "https://")):
        url = urlsplit(head)
        query = urlencode([(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if not SECRET_PARAM.search(k)])
        head = urlunsplit((url.scheme, (url.hostname or "") + (f":{url.port}" if url.port else ""), url.path, query, ""))
    elif os.path.isabs(head):
        head = public_origin(Path(head))
    return f"{head} {tail}" if tail else head


def fetch(dataset: Dataset) -> tuple[bytes, str, str]:
    if settings.source_mode() == "live":
        from ingest import http, live

        http.fetched.clear()
        http.start_deadline()
        try:
            payload, origin = live.fetch(dataset)
        except Exception:
            http.forget_fetched()  # an answer that did not parse must not make every later run fail
            raise
        finally:
            http.end_deadline()
        http.fetched.clear()
        return payload, origin, "live" if dataset.name in live.LIVE else "embedded"
    path = settings.snapshot_dir() / dataset.file
    if not path.is_file():
        raise SourceError(str(path), f"the snapshot has no file {dataset.file} ({dataset.title}).",
                          "Put the file in the snapshot folder, or point --snapshot-dir at a complete delivery.")
    return path.read_bytes(), public_origin(path), "embedded"

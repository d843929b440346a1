"""The analysts' data dictionary: dbt docs of the warehouse, built offline and served on 127.0.0.1.

`dbt docs generate --static` writes one self-contained page (manifest and catalogue inlined, no
script fetched from elsewhere; the usage tracker stays off because the project sets
send_anonymous_usage_stats: false). It reads the warehouse's catalogue, so a run must exist first.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import sys
from pathlib import Path

from ingest import settings, warehouse
from orchestration.dbt_project import DBT_PROJECT_DIR

REMOTE = re.compile(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']?(?:https?:)?//", re.I)


def build(target: Path) -> Path:
    """Generate the static docs page into `target`; return its path. Refuses in a second without a warehouse."""
    path = settings.warehouse_path()
    if not path.exists():
        raise ValueError(f"no warehouse at {path}: the docs describe its tables. Run `make run` (or "
                         "`barometre run`) first, or set BAROMETRE_HOME to a home that has one.")
    warehouse.check_free()
    # a child process: dbt keeps its DuckDB connection open for as long as the process lives
    done = subprocess.run([str(Path(sys.executable).parent / "dbt"), "docs", "generate", "--static", "--quiet",
                           "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                           "--target-path", str(target), "--vars", json.dumps({**settings.dbt_vars(), "audit": False})], capture_output=True, text=True)
    if done.returncode:
        raise ValueError(f"dbt docs generate failed: {(done.stdout + done.stderr).strip()[-800:]}")
    page = target / "static_index.html"
    remote = REMOTE.findall(page.read_text(encoding="utf-8"))
    if remote:
        raise ValueError(f"{page} loads {len(remote)} resource(s) from the network ({remote[:3]}): refusing to serve it.")
    return page


def serve(page: Path, host: str, port: int) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(page.parent))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"dbt docs on http://{host}:{port}/{page.name} (Ctrl-C stops)", flush=True)
        server.serve_forever()

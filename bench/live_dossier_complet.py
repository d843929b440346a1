"""Peak memory of live mode reading INSEE's dossier complet at its real width.

INSEE's `dossier_complet.zip` is about 673 MB for ~35,000 communes x ~1,900 columns. No machine
here reaches INSEE, so this benchmark generates a file of that shape (GENERATED, not data: the
real column names the models read, filler columns to the real width, every cell a number), serves
it from a loopback server in INSEE's zip layout (metadata member first), and runs the live client
(`ingest.live.bulk_csv`) in a child process whose peak RSS is read from the OS.

    uv run python -m bench.live_dossier_complet [--rows 35000] [--columns 1900]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

from ingest.catalog import DOSSIER_COMPLET_2025
from ingest.live import BULK
from ingest.settings import EMBEDDED_DIR


def generate(folder: Path, rows: int, columns: int) -> Path:
    """A zip in INSEE's layout: meta_dossier_complet.csv, then dossier_complet.csv (';', decimal commas)."""
    with open(EMBEDDED_DIR / DOSSIER_COMPLET_2025.file, encoding="utf-8") as f:
        real = next(csv.reader(f))
        codes = [r[0] for r in csv.reader(f)]
    header = real + [f"P22_FILLER{i:04d}" for i in range(columns - len(real))]
    rng = random.Random(0)
    path, member = BULK[DOSSIER_COMPLET_2025.name][:2]
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"meta_{member}", "COD_VAR;LIB_VAR\n" + "".join(f"{c};{c}\n" for c in header))
        with z.open(member, "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            out.write(";".join(header) + "\r\n")
            for i in range(rows):
                code = codes[i] if i < len(codes) else f"{(i % 95) + 1:02d}{i % 1000:03d}"
                out.write(code + ";" + ";".join(f"{rng.randint(0, 9999)},{rng.randint(0, 9)}" for _ in header[1:]) + "\r\n")
            out.flush()
    return target


def child(base: str, home: str) -> None:
    """Run the live client once, print its row count, wall time and peak RSS."""
    os.environ.update({"BAROMETRE_INSEE_FILES": f"{base}/files", "BAROMETRE_GEO_API": f"{base}/geo",
                       "BAROMETRE_HOME": home, "BAROMETRE_HTTP_PER_MINUTE": "6000"})
    from ingest import live

    started = time.monotonic()
    payload, _ = live.bulk_csv(DOSSIER_COMPLET_2025)
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = payload.count(b"\n") - 1
    print(f"{rows} {seconds:.1f} {peak_mib:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=35_000)
    parser.add_argument("--columns", type=int, default=1_900)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "www"
        started = time.monotonic()
        archive = generate(root / "files", args.rows, args.columns)
        unzipped = zipfile.ZipFile(archive).getinfo("dossier_complet.csv").file_size
        (root / "geo" / "epcis").mkdir(parents=True)
        (root / "geo" / "epcis" / "200042190").write_text('{"codesRegions": ["32"]}')
        (root / "geo" / "regions" / "32").mkdir(parents=True)
        (root / "geo" / "regions" / "32" / "departements").write_text(
            '[{"code": "02"}, {"code": "59"}, {"code": "60"}, {"code": "62"}, {"code": "80"}]')
        print(f"generated {args.rows:,} rows x {args.columns:,} columns: zip {archive.stat().st_size / 2**20:,.0f} MiB, "
              f"CSV {unzipped / 2**20:,.0f} MiB ({time.monotonic() - started:.0f} s)")
        handler = lambda *a, **k: SimpleHTTPRequestHandler(*a, directory=str(root), **k)
        SimpleHTTPRequestHandler.log_message = lambda *a: None
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        out = subprocess.run([sys.executable, "-m", "bench.live_dossier_complet", "--child", base, str(Path(tmp) / "home")],
                             capture_output=True, text=True, check=True).stdout.split()
        server.shutdown()
        rows, seconds, peak = out[-3:]
        print(f"live.bulk_csv(insee_dossier_complet_2025): {int(rows):,} rows of the region kept, {seconds} s, "
              f"peak RSS {peak} MiB")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()

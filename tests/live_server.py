"""A loopback HTTP server (127.0.0.1 only) that replays the public endpoints in their real formats.

Payloads are built from the embedded snapshot's real values, put back into each endpoint's own
format: geo.api.gouv.fr JSON, Melodi JSON observations, INSEE zips of ';'-separated CSV with
decimal commas. `faults` makes a path misbehave: "429-once", "500", "truncated", "rename:<a>:<b>".
"""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from datetime import date

from ingest.live import BULK, ODRE_DATASET, ORE_DATASET, POPULATION_COLUMNS
from ingest.settings import EMBEDDED_DIR
from ingest.catalog import BY_NAME

SIREN = "200042190"
TEST_YEAR = date.today().year - 1  # ODRÉ's rolling year is dated the year before extraction


def _communes() -> list[dict]:
    with open(EMBEDDED_DIR / "communes_caph.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _insee_zip(dataset: str) -> bytes:
    """The embedded file as INSEE ships it: ';' separator, decimal commas, zipped."""
    path, member = BULK[dataset]
    with open(EMBEDDED_DIR / BY_NAME[dataset].file, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([c.replace(".", ",") if c.replace(".", "", 1).lstrip("-").isdigit() else c for c in row])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, out.getvalue().encode("utf-8"))
    return buf.getvalue()


EDUC = {"pop_dipl_aucun": "001T100_RP", "pop_dipl_bepc": "200_RP", "pop_dipl_capbep": "300_RP",
        "pop_dipl_bac": "350T351_RP", "pop_dipl_sup2": "500_RP", "pop_dipl_sup34": "600_RP", "pop_dipl_sup": "700_RP"}


def _melodi_diplomas_zip() -> bytes:
    """Melodi's file-service zip for DS_RP_DIPLOMES_PRINC, built from the real RP2018 counts of the
    snapshot (540 HDF communes), in the long EDUC layout."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["GEO", "GEO_OBJECT", "EDUC", "SEX", "AGE", "TIME_PERIOD", "OBS_VALUE"])
    with open(EMBEDDED_DIR / "rp2018_communes_2000plus_hdf_questionr.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for column, educ in EDUC.items():
                writer.writerow([f"2025-COM-{row['code_insee']}", "COM", educ, "_T", "_T", "2018", row[column]])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("DS_RP_DIPLOMES_PRINC_data.csv", out.getvalue())
        z.writestr("DS_RP_DIPLOMES_PRINC_metadata.csv", "COD_VAR;LIB_VAR\nEDUC;Diplôme le plus élevé\n")
    return buf.getvalue()


class Replay:
    def __init__(self):
        self.communes = _communes()
        self.faults: dict[str, str] = {}
        self.hits: Counter = Counter()
        self.routes = {
            f"/geo/epcis/{SIREN}": lambda q: {"nom": "CA de la Porte du Hainaut", "code": SIREN,
                                              "codesDepartements": ["59"], "codesRegions": ["32"]},
            "/geo/regions/32/departements": lambda q: [{"nom": n, "code": c, "codeRegion": "32"} for c, n in
                                                       [("02", "Aisne"), ("59", "Nord"), ("60", "Oise"),
                                                        ("62", "Pas-de-Calais"), ("80", "Somme")]],
            f"/geo/epcis/{SIREN}/communes": lambda q: [
                {"nom": c["nom"], "code": c["code_insee"], "siren": c["siren"], "codeDepartement": c["departement"],
                 "codeRegion": c["region"], "codesPostaux": c["codes_postaux"].split("|"),
                 "population": int(c["population_pkg6_0_0_cog2026_src8680726"])} for c in self.communes],
            "/melodi/data/DS_POPULATIONS_REFERENCE": self.melodi_populations,
        }
        for ds, (path, _) in BULK.items():
            self.routes[f"/files/{path}"] = (lambda d: (lambda q: _insee_zip(d)))(ds)
        self.routes[f"/ore/api/explore/v2.1/catalog/datasets/{ORE_DATASET}/exports/csv"] = self.ore_export
        self.routes[f"/odre/api/explore/v2.1/catalog/datasets/{ODRE_DATASET}/exports/csv"] = self.odre_export
        self.routes["/melodi/file/DS_RP_DIPLOMES_PRINC/DS_RP_DIPLOMES_PRINC_CSV_FR"] = lambda q: _melodi_diplomas_zip()
        self.ore_queries: list[dict] = []

    def odre_export(self, query):
        """ODRÉ's register layout (';', decimal commas), TEST values: a solar aggregate and a wind park
        in service count as renewable; the gas plant (non-renewable) does not."""
        rows = [
            "codeinseecommune;commune;codeepci;filiere;technologie;regime;nbinstallations;puismaxinstallee;"
            "energieannuelleglissanteproduite;energieannuelleglissanteinjectee",
            "59172;Denain;200042190;Solaire;Photovoltaïque;En service;14;49,46;50000;48000",
            "59038;Avesnes-le-Sec;200042190;Eolien;Terrestre;En service;11;22000;44000000;43000000",
            "59092;Bouchain;200042190;Thermique non renouvelable;Cycle combiné;En service;1;605000;900000000;890000000",
        ]
        return ("\n".join(rows) + "\n").encode("utf-8")

    def ore_export(self, query):
        """Agence ORE's layout (';'), with TEST values (not real consumption figures): two communes,
        and one empty sector cell (industry, gas, Abscon) that must become a flagged gap."""
        self.ore_queries.append(query)
        rows = [
            "operateur;annee;filiere;code_commune;libelle_commune;code_epci;consoa;consoi;consor;consot;consona;consototale",
            f"TEST;{TEST_YEAR};Electricité;59002;Abscon;200042190;1.5;100.0;200.0;50.0;0.5;352.0",
            f"TEST;{TEST_YEAR};Gaz;59002;Abscon;200042190;0.0;;150.0;40.0;0.0;190.0",
            f"TEST;{TEST_YEAR};Electricité;59172;Denain;200042190;0.0;300.0;900.0;250.0;1.0;1451.0",
            f"TEST;{TEST_YEAR};Gaz;59172;Denain;200042190;0.0;80.0;700.0;120.0;0.0;900.0",
        ]
        return ("\n".join(rows) + "\n").encode("utf-8")

    def melodi_populations(self, query):
        code = query["GEO"][0].split("-")[-1]
        commune = next(c for c in self.communes if c["code_insee"] == code)
        obs = [{"dimensions": {"GEO": f"2025-COM-{code}", "POPREF_MEASURE": "PMUN", "TIME_PERIOD": year},
                "attributes": {"OBS_STATUS": "A"}, "measures": {"OBS_VALUE_NIVEAU": {"value": float(commune[col])}}}
               for year, col in POPULATION_COLUMNS.items()]
        return {"observations": obs, "paging": {"count": len(obs), "isLast": True}}

    def answer(self, path: str, query: dict) -> tuple[int, dict, bytes]:
        self.hits[path] += 1
        fault = self.faults.get(path, "")
        if fault == "500":
            return 500, {}, b"Internal Server Error"
        if fault == "429-once" and self.hits[path] == 1:
            return 429, {"Retry-After": "1"}, b"Too Many Requests"
        if path not in self.routes:
            return 404, {}, b"Not Found"
        payload = self.routes[path](query)
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        is_csv = path.endswith("/csv")
        if fault.startswith("rename:"):
            _, old, new = fault.split(":")
            body = body.replace(f'"{old}"'.encode(), f'"{new}"'.encode())
        headers = {"Content-Type": "text/csv" if is_csv else "application/zip" if isinstance(payload, bytes)
                   else "application/json"}
        if fault == "truncated":
            headers["Content-Length"] = str(len(body))
            return 200, headers, body[: len(body) // 2]
        return 200, headers, body


def serve(replay: Replay):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            status, headers, body = replay.answer(url.path, parse_qs(url.query))
            self.send_response(status)
            headers.setdefault("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

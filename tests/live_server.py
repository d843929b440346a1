"""A loopback HTTP server (127.0.0.1 only) that replays the public endpoints in their current shapes.

Shapes come from recorded public answers (tests/fixtures/, from INSEE's own Melodi client) and
from the services' documented layouts (reference/api_samples/README.md): Melodi JSON with paging and
`GEO=EPCI-<siren>*COM`, Melodi's catalogue and file products whose ids and zip members carry the
census year, Data Fair JSON lines paged by `next`, ODRÉ grouped exports, INSEE zips holding a
metadata member beside the data. Values are the embedded snapshot's real values put back into
those shapes. Datasets a client must no longer use answer as the service does today
(DS_POPULATIONS_REFERENCE holds the latest year only; an unknown Melodi dataset is HTTP 500; the
old Opendatasoft ORE dataset is gone: 404).

`faults` makes a path misbehave: "429-once", "500", "html200", "truncated", "rename:<a>:<b>", "hang:<seconds>",
"429-hour", "redirect-loop" (302 to itself), "drip" (a byte every 0.2 s, for a minute).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import threading
import time
import zipfile
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from ingest.catalog import BY_NAME
from ingest.live import BULK, ODRE_DATASET, ODRE_FILIERES, ORE_DATASET, POPULATION_COLUMNS
from ingest.settings import EMBEDDED_DIR

SIREN = "200042190"
FIXTURES = Path(__file__).parent / "fixtures"
ODRE_TITLE = "Registre national des installations de production et de stockage d'électricité (agrégé) au 31/07/2026"


def _rows(name: str) -> list[dict]:
    with open(EMBEDDED_DIR / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _zip(members: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members:
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def _insee_zip(dataset: str) -> bytes:
    """The embedded file as INSEE ships it: ';' separator, decimal commas, zipped beside its metadata
    member (listed first, and named so that a suffix match would pick it)."""
    path, member, _ = BULK[dataset]
    with open(EMBEDDED_DIR / BY_NAME[dataset].file, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([c.replace(".", ",") if c.replace(".", "", 1).lstrip("-").isdigit() else c for c in row])
    meta = "COD_VAR;LIB_VAR\n" + "".join(f"{c};{c}\n" for c in rows[0])
    return _zip([(f"meta_{member}", meta), (member, out.getvalue())])


def melodi_diplomas_zip(edition: int) -> bytes:
    """Melodi's file product of DS_RP_DIPLOMES_PRINC: metadata member first, then the data member,
    both named with the edition; ';' and quoted; GEO bare with its level in GEO_OBJECT; the real
    counts of the embedded file (PROVENANCE §22, §23), a '_T' level that is their sum, and merged
    communes as INSEE marks them (OBS_STATUS K, empty value)."""
    header = ["GEO", "GEO_OBJECT", "AGE", "SEX", "EDUC", "RP_MEASURE", "OBS_STATUS", "TIME_PERIOD", "OBS_VALUE"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    totals: dict[tuple, float] = defaultdict(float)
    for name in ("insee_diplomas_rp2017_rp2023_communes_hdf.csv", "insee_diplomas_rp2017_rp2023_totals_dep_fr.csv"):
        for r in _rows(name):
            level = {"FRANCE": "FRANCE"}.get(r["GEO_OBJECT"], r["GEO_OBJECT"])
            writer.writerow([r["GEO"], level, r["AGE"], r["SEX"], r["EDUC"], "POP", "A", r["TIME_PERIOD"], r["OBS_VALUE"]])
            totals[(r["GEO"], level, r["TIME_PERIOD"])] += float(r["OBS_VALUE"])
    for (geo, level, year), value in totals.items():
        writer.writerow([geo, level, "Y_GE15", "_T", "_T", "POP", "A", year, f"{value:.1f}"])
    for merged in ("59070", "02077"):  # merged communes of the 2022 geography (PROVENANCE §22)
        writer.writerow([merged, "COM", "Y_GE15", "_T", "001T100_RP", "POP", "K", "2023", ""])
    stem = f"DS_RP_DIPLOMES_PRINC_{edition}"
    meta = "COD_VAR;LIB_VAR;COD_MOD;LIB_MOD\nEDUC;Diplôme le plus élevé;001T100_RP;Aucun diplôme ou certificat d'études\n"
    return _zip([(f"{stem}_metadata.csv", meta), (f"{stem}_data.csv", out.getvalue())])


class Replay:
    def __init__(self):
        self.base = ""  # set by the fixture once the port is known
        self.communes = _rows("communes_caph.csv")
        self.faults: dict[str, str] = {}
        self.hits: Counter = Counter()
        self.queries: dict[str, list[dict]] = defaultdict(list)
        self.page_size = 10_000  # Data Fair and Melodi pages; a test lowers it to force paging
        self.diploma_edition = 2023
        self.extra_odre_groups: list[dict] = []
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
            "/melodi/data/DS_POPULATIONS_HISTORIQUES": self.melodi_populations_historiques,
            "/melodi/data/DS_POPULATIONS_REFERENCE": self.melodi_populations_reference,
            "/melodi/catalog/DS_RP_DIPLOMES_PRINC": self.melodi_catalog,
            f"/ore/data-fair/api/v1/datasets/{ORE_DATASET}/values_agg": lambda q: {"total": 14, "aggs": [{"value": "2024", "total": 4852}]},
            f"/ore/data-fair/api/v1/datasets/{ORE_DATASET}/lines": self.ore_lines,
            f"/odre/api/explore/v2.1/catalog/datasets/{ODRE_DATASET}": lambda q: {"dataset_id": ODRE_DATASET, "metas": {"default": {"title": ODRE_TITLE}}},
            f"/odre/api/explore/v2.1/catalog/datasets/{ODRE_DATASET}/exports/json": self.odre_groups,
        }
        for ds, (path, _, _) in BULK.items():
            self.routes[f"/files/{path}"] = (lambda d: (lambda q: _insee_zip(d)))(ds)

    # -- Melodi ------------------------------------------------------------------------------
    def _observations(self, dataset: str, rows: list[tuple[str, str, float]], query: dict) -> dict:
        """rows: (commune, year, value); a page of at most `page_size`, `next` to the following one."""
        obs = [{"dimensions": {"GEO": f"2025-COM-{code}", "FREQ": "A", "TIME_PERIOD": year, "POPREF_MEASURE": "PMUN"},
                "attributes": {"OBS_STATUS": "A"}, "measures": {"OBS_VALUE_NIVEAU": {"value": value}}}
               for code, year, value in rows]
        start = int(query.get("startIndex", ["0"])[0])
        page = obs[start:start + self.page_size]
        paging = {"first": f"{self.base}/melodi/data/{dataset}", "count": len(obs), "isLast": start + self.page_size >= len(obs)}
        if start + self.page_size < len(obs):
            nxt = {k: v[0] for k, v in query.items()} | {"startIndex": str(start + self.page_size)}
            paging["next"] = f"{self.base}/melodi/data/{dataset}?{urlencode(nxt)}"
        return {"paging": paging, "observations": page}

    def melodi_populations_historiques(self, query):
        if query.get("GEO") != [f"EPCI-{SIREN}*COM"] or query.get("POPREF_MEASURE") != ["PMUN"]:
            return 500, b'{"message": "Internal Server Error"}'
        rows = [(c["code_insee"], year, float(c[col])) for c in self.communes for year, col in POPULATION_COLUMNS.items()]
        return self._observations("DS_POPULATIONS_HISTORIQUES", rows, query)

    def melodi_populations_reference(self, query):
        """Today's DS_POPULATIONS_REFERENCE: the latest legal populations only (TIME_PERIOD 2023)."""
        code = query.get("GEO", [""])[0].rsplit("-", 1)[-1]
        rows = [(c["code_insee"], "2023", float(c["population_pkg6_0_0_cog2026_src8680726"]))
                for c in self.communes if c["code_insee"] == code]
        return self._observations("DS_POPULATIONS_REFERENCE", rows, query)

    def melodi_catalog(self, query):
        """The recorded catalogue entry, its product pointed here and moved to `diploma_edition`."""
        extract = json.loads((FIXTURES / "melodi_catalog_extract_2026-01-06.json").read_text())
        entry = copy.deepcopy(next(d for d in extract["datasets"] if d["identifier"] == "DS_RP_DIPLOMES_PRINC"))
        for product in entry["product"]:
            product["id"] = product["id"].replace("_2022_", f"_{self.diploma_edition}_")
            product["accessURL"] = f"{self.base}/melodi/file/DS_RP_DIPLOMES_PRINC/{product['id']}"
        return entry

    # -- Agence ORE on Data Fair -----------------------------------------------------------------
    def ore_lines(self, query):
        """Long layout, one line per commune, filière, category and operator, from the embedded 2024
        figures: residential (RES) as published, the rest of "all sectors" on a non-residential line."""
        wanted = set(query.get("code_commune_in", [""])[0].split(","))
        by_commune: dict[str, dict] = defaultdict(dict)
        for r in _rows("ore_energy_consumption_2024_communes_nord.csv"):
            if r["geo_code"] in wanted:
                by_commune[r["geo_code"]][r["variable"]] = float(r["value"])
        lines = []
        for code, v in sorted(by_commune.items()):
            for energy, label, operator in (("elec", "Electricité", "Enedis"), ("gaz", "Gaz", "GRDF")):
                if f"conso_{energy}_tous_secteurs_mwh" not in v:
                    continue  # no gas network
                res, total = v[f"conso_{energy}_residentiel_mwh"], v[f"conso_{energy}_tous_secteurs_mwh"]
                common = {"code_commune": code, "annee": 2024, "filiere": label, "operateur": operator}
                lines.append(common | {"code_categorie_consommation": "RES", "code_grand_secteur": "RESIDENTIEL",
                                       "conso_totale_mwh": res, "nb_sites": v.get(f"nb_points_livraison_{energy}_residentiel"),
                                       "nombre_de_mailles_secretisees": 0})
                lines.append(common | {"code_categorie_consommation": "PRO", "code_grand_secteur": "TERTIAIRE",
                                       "conso_totale_mwh": total - res, "nb_sites": None,
                                       "nombre_de_mailles_secretisees": v.get(f"nb_mailles_secretisees_{energy}", 0)})
        start = int(query.get("after", ["0"])[0])
        page = {"total": len(lines), "results": lines[start:start + self.page_size]}
        if start + self.page_size < len(lines):
            nxt = {k: v[0] for k, v in query.items()} | {"after": str(start + self.page_size)}
            page["next"] = f"{self.base}/ore/data-fair/api/v1/datasets/{ORE_DATASET}/lines?{urlencode(nxt)}"
        return page

    # -- ODRÉ ------------------------------------------------------------------------------------
    def odre_groups(self, query):
        """The grouped export (codeinseecommune, filiere): sums and counts from the embedded register
        extract; a status 1 energy has one row without energy, a status 2 none with energy."""
        labels = {stem: label for label, stem in ODRE_FILIERES.items()}
        where = query.get("where", [""])[0]
        groups: dict[tuple, dict] = {}
        for r in _rows("odre_electricity_production_2026_communes_nord.csv"):
            if f'"{r["geo_code"]}"' not in where:
                continue
            measure = r["variable"]
            for m in ("_energie_injectee_mwh", "_energie_statut", "_puissance_kw", "_nb_installations"):
                if measure.endswith(m):
                    stem = measure[5:-len(m)]
                    g = groups.setdefault((r["geo_code"], labels[stem]), {"codeinseecommune": r["geo_code"], "filiere": labels[stem]})
                    g[m] = float(r["value"])
        out = []
        for g in groups.values():
            status = int(g.get("_energie_statut", 0))
            out.append({"codeinseecommune": g["codeinseecommune"], "filiere": g["filiere"],
                        "inst": g.get("_nb_installations"), "kw": g.get("_puissance_kw"),
                        "kwh": None if status == 2 else g.get("_energie_injectee_mwh", 0) * 1000,
                        "lignes": 2 if status == 1 else 1, "connues": {0: 1, 1: 1, 2: 0}[status]})
        return out + self.extra_odre_groups

    # -- transport -------------------------------------------------------------------------------
    def answer(self, path: str, query: dict) -> tuple[int, dict, bytes]:
        self.hits[path] += 1
        self.queries[path].append(query)
        fault = self.faults.get(path, "")
        if fault.startswith("hang:"):  # an answer that does not come: the client's read timeout must end it
            time.sleep(float(fault.split(":")[1]))
        if fault == "500":
            return 500, {}, b"Internal Server Error"
        if fault == "redirect-loop":
            return 302, {"Location": path}, b""
        if fault == "drip":  # each byte comes before any read timeout, the body never completes
            return 200, {"Content-Type": "application/json", "X-Drip": "1", "Content-Length": "1000000"}, b"{"
        if fault == "html200":  # a portal's maintenance page, served with 200
            return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<!DOCTYPE html><html><body>Maintenance</body></html>"
        if fault == "429-hour":
            return 429, {"Retry-After": "3600"}, b"Too Many Requests"
        if fault == "429-once" and self.hits[path] == 1:
            return 429, {"Retry-After": "1"}, b"Too Many Requests"
        if path.startswith("/melodi/file/DS_RP_DIPLOMES_PRINC/"):
            product = path.rsplit("/", 1)[-1]
            if product != f"DS_RP_DIPLOMES_PRINC_{self.diploma_edition}_CSV_FR":
                return 404, {}, b'{"message": "Not Found"}'
            payload = melodi_diplomas_zip(self.diploma_edition)
        elif path.startswith("/melodi/data/") and path not in self.routes:
            return 500, {"Content-Type": "application/json"}, b'{"message": "Internal Server Error"}'
        elif path not in self.routes:
            return 404, {}, b"Not Found"
        else:
            payload = self.routes[path](query)
        if isinstance(payload, tuple):
            status, body = payload
            return status, {"Content-Type": "application/json"}, body
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if fault.startswith("rename:"):
            _, old, new = fault.split(":")
            body = body.replace(f'"{old}"'.encode(), f'"{new}"'.encode())
        headers = {"Content-Type": "application/zip" if isinstance(payload, bytes) else "application/json"}
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
            if headers.get("X-Drip"):
                try:
                    for _ in range(300):
                        time.sleep(0.2)
                        self.wfile.write(b" ")
                        self.wfile.flush()
                except OSError:
                    pass  # the client gave up

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    replay.base = f"http://127.0.0.1:{server.server_port}"
    return server

"""Live sources: the producers' current endpoints, converted to the embedded snapshot's format.

The embedded file of each dataset defines the format (its header, ',' separator, '.' decimals),
so a live payload goes through the same landing, gates and dbt models as the snapshot.

| dataset | live source (producer) |
|---|---|
| commune_reference | geo.api.gouv.fr `/epcis/{siren}/communes` + Melodi `DS_POPULATIONS_HISTORIQUES` (PMUN 2016, 2021, 2022, one request) |
| insee_diplomas_melodi | Melodi file service: the CSV product of `DS_RP_DIPLOMES_PRINC` named by `/catalog/DS_RP_DIPLOMES_PRINC`, member `*_data.csv` |
| insee_comparateur_2025, insee_dossier_complet_2025, insee_filosofi_2021 | INSEE's bulk CSV zips (';', decimal commas), exact member names, edition checked from the columns |
| ore_energy_consumption | Agence ORE on Data Fair, `consommation-annuelle-d-electricite-et-gaz-par-commune`, JSON lines paged by `next` |
| odre_electricity_production | ODRÉ (Opendatasoft v2.1), aggregated register grouped by commune and filière |
| every other dataset | no live client: fixed past vintages, hand-transcribed figures, or a producer whose current API is not established here; the embedded file is used and the origin says so |
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from ingest import melodi, settings
from ingest.catalog import Dataset
from ingest.errors import SourceError
from ingest.http import extract_zip_member, get_bytes

# Population columns of the commune reference, by INSEE reference year (PROVENANCE §1, verified).
POPULATION_COLUMNS = {
    "2016": "population_pkg0_8_0_pl2016_src3677855",
    "2021": "population_pkg4_0_0_cog2024a_src7739582",
    "2022": "population_pkg4_1_0_cog2024_src8290591",
}

# INSEE bulk files: (path under the files base URL, exact member name, census year of the edition
# the models read). INSEE serves the latest edition at these paths, whose column names move with the
# census year (P22_ -> P23_): the edition fetched is checked, never assumed.
BULK = {
    "insee_comparateur_2025": ("2521169/base_cc_comparateur_csv.zip", "base_cc_comparateur.csv", 22),
    "insee_dossier_complet_2025": ("5359146/dossier_complet_31_12_2025.zip", "dossier_complet.csv", 22),
    "insee_filosofi_2021": ("7756729/base-cc-filosofi-2021-geo2024_csv.zip", "cc_filosofi_2021_COM.csv", None),
}

ORE_DATASET = "consommation-annuelle-d-electricite-et-gaz-par-commune"
ODRE_DATASET = "registre-national-installation-production-stockage-electricite-agrege"
# ODRÉ filière labels -> the snapshot's variable stems (PROVENANCE §26). Storage is not production.
ODRE_FILIERES = {
    "Solaire": "solaire_pv", "Eolien": "eolien", "Hydraulique": "hydraulique", "Bioénergies": "bioenergies",
    "Géothermie": "geothermie", "Energies Marines": "energies_marines", "Nucléaire": "nucleaire",
    "Thermique non renouvelable": "thermique_non_renouvelable", "Autre": "autre",
}
ODRE_SKIPPED = {"Stockage non hydraulique"}


def geo_api() -> str:
    return os.environ.get("BAROMETRE_GEO_API", "https://geo.api.gouv.fr").rstrip("/")


def insee_files() -> str:
    return os.environ.get("BAROMETRE_INSEE_FILES", "https://www.insee.fr/fr/statistiques/fichier").rstrip("/")


def ore_api() -> str:
    return os.environ.get("BAROMETRE_ORE_API", "https://opendata.agenceore.fr").rstrip("/")


def odre_api() -> str:
    return os.environ.get("BAROMETRE_ODRE_API", "https://odre.opendatasoft.com").rstrip("/")


def embedded_header(dataset: Dataset) -> list[str]:
    with open(settings.EMBEDDED_DIR / dataset.file, encoding="utf-8") as f:
        return f.readline().strip().lstrip("\ufeff").split(",")


def to_snapshot_csv(df: pd.DataFrame, dataset: Dataset, origin: str) -> bytes:
    """Keep the embedded header's columns, in its order; a missing column is a clear error."""
    missing = [c for c in dataset.required if c not in df.columns]
    if missing:
        raise SourceError(origin, f"columns {missing} are missing from the live payload (renamed field?); "
                                  f"found {list(df.columns)[:12]}...",
                          "Update the column mapping in ingest/live.py, or run on the embedded snapshot.")
    return df.reindex(columns=embedded_header(dataset)).to_csv(index=False, lineterminator="\n").encode("utf-8")


def tidy_csv(rows: list[tuple], dataset: Dataset, origin: str, units: dict[str, str]) -> bytes:
    """Rows (geo_code, variable, year, value) as the snapshot's long layout, commune level."""
    df = pd.DataFrame(rows, columns=["geo_code", "variable", "year", "value"])
    if df.empty:
        raise SourceError(origin, "the answer holds no row for the requested communes.",
                          "Check the territory and the service; nothing was landed.")
    df.insert(0, "geo_level", "COM")
    df["unit"] = df["variable"].map(lambda v: next(u for pattern, u in units.items() if re.search(pattern, v)))
    df = df.sort_values(["geo_code", "variable", "year"])
    return to_snapshot_csv(df, dataset, origin)


def decimal_dots(df: pd.DataFrame) -> pd.DataFrame:
    """French decimal commas to dots, in cells that are plain numbers only."""
    return df.apply(lambda col: col.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True))


def _json(url: str, params: dict | None = None):
    body = get_bytes(url, params)
    try:
        return json.loads(body)
    except ValueError:
        raise SourceError(url, "the answer is not valid JSON (truncated or an error page).",
                          "Retry later; nothing was landed.") from None


def region_departements() -> list[str]:
    """The départements of the territory's region(s), from geo.api.gouv.fr."""
    epci = _json(f"{geo_api()}/epcis/{settings.territory()}")
    deps: list[str] = []
    for region in epci.get("codesRegions", []):
        deps += [d["code"] for d in _json(f"{geo_api()}/regions/{region}/departements")]
    if not deps:
        raise SourceError(f"{geo_api()}/epcis/{settings.territory()}", "no region found for the territory.",
                          "Check BAROMETRE_TERRITORY (an EPCI SIREN).")
    return deps


def scope_communes(dataset: Dataset) -> list[str]:
    """The communes a theme file covers (its département), from the geography of the snapshot."""
    geo = pd.read_csv(settings.EMBEDDED_DIR / "appartenance_geo_2022_communes_hdf.csv", dtype=str,
                      usecols=["CODGEO", "DEP"])
    return sorted(geo.loc[geo["DEP"] == dataset.scope, "CODGEO"])


def _workdir() -> tempfile.TemporaryDirectory:
    """A scratch folder for extracted members, under the home (same disk as the landing)."""
    settings.home().mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".live-", dir=settings.home())


# --- commune reference -----------------------------------------------------------------------

def commune_reference(dataset: Dataset) -> tuple[bytes, str]:
    url = f"{geo_api()}/epcis/{settings.territory()}/communes"
    members = _json(url, {"fields": "nom,code,siren,codeDepartement,codeRegion,codesPostaux,population"})
    if not isinstance(members, list) or not members:
        raise SourceError(url, "no member commune returned.", "Check BAROMETRE_TERRITORY (an EPCI SIREN).")
    try:
        df = pd.DataFrame({
            "code_insee": [m["code"] for m in members],
            "nom": [m["nom"] for m in members],
            "siren": [m.get("siren") for m in members],
            "departement": [m["codeDepartement"] for m in members],
            "region": [m["codeRegion"] for m in members],
            "codes_postaux": ["|".join(m.get("codesPostaux", [])) for m in members],
        })
    except KeyError as exc:
        raise SourceError(url, f"field {exc} missing from geo.api.gouv.fr's answer (renamed field?).",
                          "Update ingest/live.py to the API's current format.") from None
    pops = melodi_populations()
    for year, column in POPULATION_COLUMNS.items():
        df[column] = df["code_insee"].map(pops.get(year, {}))
    return to_snapshot_csv(df, dataset, url), url


def melodi_populations() -> dict[str, dict[str, int]]:
    """Municipal populations (PMUN) by year and member commune, in ONE request for the whole
    territory: DS_POPULATIONS_HISTORIQUES (1968-2023; DS_POPULATIONS_REFERENCE holds the latest
    vintage only). A member commune without a year leaves its cell empty, and the gate refuses it."""
    df = melodi.observations("DS_POPULATIONS_HISTORIQUES", GEO=f"EPCI-{settings.territory()}*COM",
                             POPREF_MEASURE="PMUN")
    out: dict[str, dict[str, int]] = {}
    for code, year, value in zip(df.get("GEO_CODE", []), df.get("TIME_PERIOD", []), df.get("OBS_VALUE", []), strict=False):
        if str(year) in POPULATION_COLUMNS and value is not None:
            out.setdefault(str(year), {})[code] = int(round(float(value)))
    return out


# --- INSEE files -------------------------------------------------------------------------------

def bulk_csv(dataset: Dataset) -> tuple[bytes, str]:
    """An INSEE bulk zip: the exact member, only the columns the models read (bounded memory on the
    673 MB dossier complet), the region's communes, the edition checked against the models'."""
    path, member, census_year = BULK[dataset.name]
    url = f"{insee_files()}/{path}"
    with _workdir() as tmp:
        extracted = extract_zip_member(url, Path(tmp), name=member)
        encoding = _encoding(extracted)
        header = pd.read_csv(extracted, sep=";", nrows=0, encoding=encoding).columns.tolist()
        _check_edition(url, member, header, census_year)
        wanted = [c for c in embedded_header(dataset) if c in header]
        deps = region_departements()
        chunks = [chunk[chunk["CODGEO"].str[:2].isin(deps)]
                  for chunk in pd.read_csv(extracted, sep=";", dtype=str, keep_default_na=False, usecols=wanted,
                                           encoding=encoding, chunksize=50_000)]
    df = decimal_dots(pd.concat(chunks, ignore_index=True))
    return to_snapshot_csv(df, dataset, url), url


def _encoding(path: Path) -> str:
    """INSEE files are UTF-8 or Windows-1252: decide from the bytes, never guess silently."""
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        return "utf-8-sig" if exc.start > len(head) - 4 else "cp1252"


def _check_edition(url: str, member: str, header: list[str], census_year: int | None) -> None:
    if "CODGEO" not in header:
        raise SourceError(url, f"no CODGEO column in {member} (found {header[:8]}).",
                          "Update ingest/live.py to the file's current layout.")
    if census_year is None:
        return
    # the newest census year among the census columns (P22_POP0014, C22_FAMMONO...) is the edition's
    edition = max((int(m.group(1)) for c in header if (m := re.match(r"^[PC](\d\d)_", c))), default=None)
    if edition != census_year:
        raise SourceError(url, f"{member} is the RP20{edition or 0:02d} edition (columns P{edition or 0:02d}_*), "
                               f"not RP20{census_year:02d} that the models read.",
                          "INSEE serves its latest edition at this path: keep the embedded file for this vintage, "
                          "or add the new edition as a dataset of its own (catalogue, gate, staging).")


def melodi_diplomas(dataset: Dataset) -> tuple[bytes, str]:
    """DS_RP_DIPLOMES_PRINC for every commune of the region, both sexes, aged 15+, from the CSV
    product that Melodi's catalogue names (its id and member carry the census year). The member is
    read by DuckDB on disk, only the rows and columns needed; OBS_STATUS K (merged commune) = NULL."""
    import duckdb

    url, product = melodi.csv_product_url("DS_RP_DIPLOMES_PRINC")
    deps = region_departements()
    with _workdir() as tmp:
        data = extract_zip_member(url, Path(tmp), suffix="_data.csv")
        with duckdb.connect() as con:
            rel = f"read_csv('{data}', delim = ';', quote = '\"', header = true, all_varchar = true)"
            columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
            needed = ["GEO", "GEO_OBJECT", "EDUC", "SEX", "AGE", "RP_MEASURE", "OBS_STATUS", "TIME_PERIOD", "OBS_VALUE"]
            missing = [c for c in needed if c not in columns]
            if missing:
                raise SourceError(url, f"columns {missing} are missing from {data.name} (found {columns}).",
                                  "Update ingest/live.py to the file's current layout.")
            df = con.execute(f"""
                SELECT regexp_extract(GEO, '([0-9][0-9AB][0-9]{{3}})$', 1) AS GEO, GEO_OBJECT, EDUC, SEX, AGE, TIME_PERIOD,
                       CASE WHEN OBS_STATUS = 'K' THEN NULL ELSE replace(OBS_VALUE, ',', '.') END AS OBS_VALUE
                FROM {rel}
                WHERE GEO_OBJECT = 'COM' AND SEX = '_T' AND AGE = 'Y_GE15' AND RP_MEASURE = 'POP'
                  AND left(regexp_extract(GEO, '([0-9][0-9AB][0-9]{{3}})$', 1), 2) IN (SELECT unnest(?))
                ORDER BY 1, 6, 3""", [deps]).df()
    origin = f"{url} ({product}, member {data.name})"
    if df.empty:
        raise SourceError(origin, "no commune row after the filters GEO_OBJECT=COM, SEX=_T, AGE=Y_GE15, RP_MEASURE=POP.",
                          "The file's codes changed: check its metadata member and update ingest/live.py.")
    return to_snapshot_csv(df, dataset, origin), origin


# --- Agence ORE (Data Fair) ------------------------------------------------------------------------

def ore_consumption(dataset: Dataset) -> tuple[bytes, str]:
    """Electricity and gas by commune of the dataset's département, latest year, from Data Fair's
    JSON lines (labels, not field names, head its CSV exports: JSON only). Transmission-grid
    customers (operators RTE, Natran/GRTgaz) stay in "all sectors", as in the embedded file; the
    indicator says so. Residential = category RES."""
    base = f"{ore_api()}/data-fair/api/v1/datasets/{ORE_DATASET}"
    aggs = _json(f"{base}/values_agg", {"field": "annee", "size": "1", "sort": "-annee"})
    try:
        year = int(aggs["aggs"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise SourceError(f"{base}/values_agg", "no year in the answer (expected aggs[0].value).",
                          "Update ingest/live.py to Data Fair's current format.") from None
    url: str | None = f"{base}/lines"
    params: dict | None = {"size": "10000", "format": "json", "qs": f"annee:{year}",
                           "code_commune_in": ",".join(scope_communes(dataset))}
    lines: list[dict] = []
    while url:
        page = _json(url, params)
        if not isinstance(page, dict) or "results" not in page:
            raise SourceError(url, "unexpected answer (expected {total, results, next}).",
                              "Update ingest/live.py to Data Fair's current format.")
        lines += page["results"]
        url, params = page.get("next"), None  # `next` is a complete URL
    df = pd.DataFrame(lines)
    category = next((c for c in ("code_categorie_consommation", "code_grand_secteur") if c in df.columns), None)
    needed = ["code_commune", "filiere", "conso_totale_mwh", "nb_sites", "nombre_de_mailles_secretisees"]
    missing = [c for c in needed if c not in df.columns] + ([] if category else ["code_categorie_consommation"])
    if missing:
        raise SourceError(f"{base}/lines", f"fields {missing} are missing (found {list(df.columns)}).",
                          "Update ingest/live.py to the dataset's current fields.")
    df["energy"] = df["filiere"].str.lower().map(lambda f: "gaz" if f.startswith("gaz") else "elec" if f.startswith(("électricité", "electricite", "electricité")) else None)
    df["residential"] = df[category].isin(["RES", "RESIDENTIEL"])
    for col in ("conso_totale_mwh", "nb_sites", "nombre_de_mailles_secretisees"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    rows = []
    for (code, energy), g in df.dropna(subset=["energy"]).groupby(["code_commune", "energy"]):
        res = g[g["residential"]]
        rows += [(code, f"conso_{energy}_residentiel_mwh", year, res["conso_totale_mwh"].sum()),
                 (code, f"conso_{energy}_tous_secteurs_mwh", year, g["conso_totale_mwh"].sum()),
                 (code, f"nb_points_livraison_{energy}_residentiel", year, res["nb_sites"].sum()),
                 (code, f"nb_mailles_secretisees_{energy}", year, g["nombre_de_mailles_secretisees"].fillna(0).sum())]
    origin = f"{base}/lines (annee {year})"
    return tidy_csv(rows, dataset, origin, {r"_mwh$": "MWh", r"^nb_": "count"}), origin


# --- ODRÉ (Opendatasoft) -------------------------------------------------------------------------

def odre_production(dataset: Dataset) -> tuple[bytes, str]:
    """The aggregated register grouped by commune and filière: installations, kW, and the energy
    injected into the grid over 12 rolling months (`energieannuelleglissanteinjectee`, kWh; the
    `...produite` field includes self-consumption, which the register does not measure everywhere:
    injected energy is what the embedded file and the indicator use). Its status: 0 known, 1 partial
    (some rows lack it: a minimum), 2 unknown. No filter on `regime`: its values are not documented."""
    base = f"{odre_api()}/api/explore/v2.1/catalog/datasets/{ODRE_DATASET}"
    meta = _json(base)
    title = str(((meta.get("metas") or {}).get("default") or {}).get("title", "")) if isinstance(meta, dict) else ""
    found = re.search(r"au (\d{2})/(\d{2})/(\d{4})", title)
    if not found:
        raise SourceError(base, f"the register's date is not in its title ({title!r}).",
                          "Update ingest/live.py: the dataset's metadata changed.")
    year = int(found.group(3))
    codes = ", ".join(f'"{c}"' for c in scope_communes(dataset))
    rows_url = f"{base}/exports/json"
    answer = _json(rows_url, {
        "select": "codeinseecommune, filiere, sum(nbinstallations) as inst, sum(puismaxinstallee) as kw, "
                  "sum(energieannuelleglissanteinjectee) as kwh, count(*) as lignes, "
                  "count(energieannuelleglissanteinjectee) as connues",
        "group_by": "codeinseecommune, filiere",
        "where": f"codeinseecommune IN ({codes})",
    })
    if not isinstance(answer, list):
        raise SourceError(rows_url, "unexpected answer (expected a JSON list of groups).",
                          "Update ingest/live.py to the export's current format.")
    unknown = sorted({str(g.get("filiere")) for g in answer if g.get("filiere") not in ODRE_FILIERES
                      and g.get("filiere") not in ODRE_SKIPPED})
    if unknown:
        raise SourceError(rows_url, f"filière(s) {unknown} unknown to the client (the register changed?).",
                          "Map them in ingest/live.py (ODRE_FILIERES) before they are counted or dropped.")
    rows = []
    for g in answer:
        stem = ODRE_FILIERES.get(g.get("filiere"))
        code = str(g.get("codeinseecommune") or "")
        if stem is None or not re.match(r"^[0-9][0-9AB][0-9]{3}$", code):
            continue
        status = 2 if not g.get("connues") else 1 if g["connues"] < g["lignes"] else 0
        rows += [(code, f"prod_{stem}_nb_installations", year, g.get("inst") or 0),
                 (code, f"prod_{stem}_puissance_kw", year, g.get("kw") or 0),
                 (code, f"prod_{stem}_energie_injectee_mwh", year, round((g.get("kwh") or 0) / 1000)),
                 (code, f"prod_{stem}_energie_statut", year, status)]
    origin = f"{rows_url} (register of {found.group(0)[3:]})"
    units = {r"_mwh$": "MWh", r"_kw$": "kW", r"_nb_installations$": "count",
             r"_statut$": "code (0=known, 1=partial/minimum, 2=unknown)"}
    return tidy_csv(rows, dataset, origin, units), origin


LIVE = {
    "commune_reference": commune_reference,
    "insee_diplomas_melodi": melodi_diplomas,
    "ore_energy_consumption": ore_consumption,
    "odre_electricity_production": odre_production,
    **{name: bulk_csv for name in BULK},
}


def fetch(dataset: Dataset) -> tuple[bytes, str]:
    if dataset.name in LIVE:
        return LIVE[dataset.name](dataset)
    path = settings.EMBEDDED_DIR / dataset.file
    return path.read_bytes(), f"ingest/embedded/{dataset.file} (no live client: embedded file, see its PROVENANCE.md section)"

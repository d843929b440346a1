"""Live sources: the public endpoints, converted to the embedded snapshot's format.

The embedded file of each dataset defines the format (its header, ',' separator, '.' decimals),
so a live payload goes through the same landing, gates and dbt models as the snapshot.

| dataset | live source |
|---|---|
| commune_reference | geo.api.gouv.fr (membership, names, SIREN, postcodes) + Melodi DS_POPULATIONS_REFERENCE (legal populations 2016, 2021, 2022) |
| insee_diplomas_melodi | Melodi's file service, DS_RP_DIPLOMES_PRINC (latest census, every commune of the region): the IDH-4 education input (not in the snapshot) |
| insee_comparateur_2025, insee_dossier_complet_2025, insee_filosofi_2021 | INSEE's bulk CSV zips (';' and decimal commas), filtered to the territory's region |
| ore_conso_commune, odre_installations | Agence ORE and ODRÉ, Opendatasoft v2.1 `/exports/csv` filtered on the territory's communes (not in the snapshot) |
| geo_appartenance_2022, insee_comparateur_2021, insee_aggregates_2018, published_comparison_figures, IDH-4 inputs, PCAET figures | fixed past vintages or hand-transcribed figures: no live endpoint, the embedded file is used and the manifest says so |
"""

from __future__ import annotations

import io
import json
import os

import pandas as pd

from ingest import settings
from ingest.catalog import Dataset
from ingest.errors import SourceError
from ingest.http import get_bytes, get_zip_member
from ingest import melodi

# Population columns of the commune reference, by INSEE reference year (PROVENANCE §1, verified).
POPULATION_COLUMNS = {
    "2016": "population_pkg0_8_0_pl2016_src3677855",
    "2021": "population_pkg4_0_0_cog2024a_src7739582",
    "2022": "population_pkg4_1_0_cog2024_src8290591",
}

# INSEE bulk files: (path under the files base URL, member of the zip). Not reachable from the
# machines that built this product; the paths are those of INSEE's download pages.
BULK = {
    "insee_comparateur_2025": ("2521169/base_cc_comparateur_csv.zip", "base_cc_comparateur.csv"),
    "insee_dossier_complet_2025": ("5359146/dossier_complet.zip", "dossier_complet.csv"),
    "insee_filosofi_2021": ("7756729/base-cc-filosofi-2021-geo2024_csv.zip", "cc_filosofi_2021_COM.csv"),
}


def geo_api() -> str:
    return os.environ.get("BAROMETRE_GEO_API", "https://geo.api.gouv.fr").rstrip("/")


def insee_files() -> str:
    return os.environ.get("BAROMETRE_INSEE_FILES", "https://www.insee.fr/fr/statistiques/fichier").rstrip("/")


def embedded_header(dataset: Dataset) -> list[str]:
    if dataset.layout:
        return list(dataset.layout)
    with open(settings.EMBEDDED_DIR / dataset.file, encoding="utf-8") as f:
        return f.readline().strip().lstrip("\ufeff").split(",")


def to_snapshot_csv(df: pd.DataFrame, dataset: Dataset, origin: str) -> bytes:
    """Keep the embedded header's columns, in its order; a missing column is a clear error."""
    header = embedded_header(dataset)
    missing = [c for c in dataset.required if c not in df.columns]
    if missing:
        raise SourceError(origin, f"columns {missing} are missing from the live payload (renamed field?); "
                                  f"found {list(df.columns)[:12]}...",
                          "Update the column mapping in ingest/live.py, or run on the embedded snapshot.")
    return df.reindex(columns=header).to_csv(index=False, lineterminator="\n").encode("utf-8")


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
    pops = melodi_populations(df["code_insee"].tolist())
    for year, column in POPULATION_COLUMNS.items():
        df[column] = df["code_insee"].map(pops.get(year, {}))
    return to_snapshot_csv(df, dataset, url), url


def melodi_populations(codes: list[str]) -> dict[str, dict[str, int]]:
    """Legal municipal populations (PMUN) by reference year and commune, one request per commune."""
    out: dict[str, dict[str, int]] = {}
    for code in codes:
        df = melodi.observations("DS_POPULATIONS_REFERENCE", GEO=f"COM-{code}", POPREF_MEASURE="PMUN")
        for _, row in df.iterrows():
            out.setdefault(str(row["TIME_PERIOD"]), {})[code] = int(round(float(row["OBS_VALUE"])))
    return out


def bulk_csv(dataset: Dataset) -> tuple[bytes, str]:
    path, member = BULK[dataset.name]
    url = f"{insee_files()}/{path}"
    raw = get_zip_member(url, member)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # some INSEE files are Windows-1252: decode them explicitly, never guess silently
    df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    if "CODGEO" not in df.columns:
        raise SourceError(url, f"no CODGEO column in {member} (found {list(df.columns)[:8]}).",
                          "Update ingest/live.py to the file's current layout.")
    df = df[df["CODGEO"].str[:2].isin(region_departements())]
    df = decimal_dots(df)
    return to_snapshot_csv(df, dataset, url), url


ORE_DATASET = "conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune"


def ore_api() -> str:
    return os.environ.get("BAROMETRE_ORE_API", "https://opendata.agenceore.fr").rstrip("/")


def territory_codes() -> list[str]:
    members = _json(f"{geo_api()}/epcis/{settings.territory()}/communes", {"fields": "code"})
    return sorted(m["code"] for m in members)


def ore_consumption(dataset: Dataset) -> tuple[bytes, str]:
    """Agence ORE on Opendatasoft v2.1. `/records` stops at 100 rows a page and 10,000 in all, so the
    whole selection comes from `/exports/csv`, filtered on the territory's communes."""
    url = f"{ore_api()}/api/explore/v2.1/catalog/datasets/{ORE_DATASET}/exports/csv"
    codes = ", ".join(f'"{c}"' for c in territory_codes())
    return _opendatasoft_csv(url, f"code_commune IN ({codes})", dataset)


ODRE_DATASET = "registre-national-installation-production-stockage-electricite-agrege"


def odre_api() -> str:
    return os.environ.get("BAROMETRE_ODRE_API", "https://odre.opendatasoft.com").rstrip("/")


def odre_installations(dataset: Dataset) -> tuple[bytes, str]:
    """ODRÉ's register (Opendatasoft v2.1, `/exports/csv`), filtered on the territory's communes."""
    url = f"{odre_api()}/api/explore/v2.1/catalog/datasets/{ODRE_DATASET}/exports/csv"
    codes = ", ".join(f'"{c}"' for c in territory_codes())
    return _opendatasoft_csv(url, f"codeinseecommune IN ({codes})", dataset)


def _opendatasoft_csv(url: str, where: str, dataset: Dataset) -> tuple[bytes, str]:
    body = get_bytes(url, {"where": where, "delimiter": ";"})
    try:
        df = pd.read_csv(io.BytesIO(body), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(url, f"the export could not be parsed: {exc}", "Retry; nothing was landed.") from None
    df = decimal_dots(df)
    return to_snapshot_csv(df, dataset, url), url


def melodi_diplomas(dataset: Dataset) -> tuple[bytes, str]:
    """DS_RP_DIPLOMES_PRINC for every commune of the region, latest census, both sexes."""
    df = melodi.bulk_file("DS_RP_DIPLOMES_PRINC")
    origin = f"{melodi.base_url()}/file/DS_RP_DIPLOMES_PRINC/DS_RP_DIPLOMES_PRINC_CSV_FR"
    missing = [c for c in dataset.required if c not in df.columns]
    if missing:
        raise SourceError(origin, f"columns {missing} are missing (renamed field?); found {list(df.columns)}.",
                          "Update ingest/live.py to the file's current layout.")
    df["GEO"] = df["GEO"].str.rsplit("-", n=1).str[-1]  # "2025-COM-59172" or "59172"
    if "GEO_OBJECT" in df.columns:
        df = df[df["GEO_OBJECT"] == "COM"]
    if "SEX" in df.columns:
        df = df[df["SEX"] == "_T"]
    df = df[df["GEO"].str[:2].isin(region_departements())]
    df = df[df["TIME_PERIOD"] == df["TIME_PERIOD"].max()]
    return to_snapshot_csv(decimal_dots(df), dataset, origin), origin


def fetch(dataset: Dataset) -> tuple[bytes, str]:
    if dataset.name == "insee_diplomas_melodi":
        return melodi_diplomas(dataset)
    if dataset.name == "odre_installations":
        return odre_installations(dataset)
    if dataset.name == "commune_reference":
        return commune_reference(dataset)
    if dataset.name == "ore_conso_commune":
        return ore_consumption(dataset)
    if dataset.name in BULK:
        return bulk_csv(dataset)
    path = settings.EMBEDDED_DIR / dataset.file
    return path.read_bytes(), f"{path} (no live endpoint: fixed vintage)"

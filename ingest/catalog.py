"""The raw datasets the barometer ingests: one entry per raw_* table.

Each entry says where the embedded snapshot keeps the file, which columns the loaders and
models rely on (so a renamed column is caught before dbt), and what the quality gate checks.
Adding a dataset is adding an entry here, a GX suite in quality/suites.py and a dbt source.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dataset:
    name: str  # raw table name without the raw_ prefix
    family: str  # commune_reference | geography | insee | published
    file: str  # file name in the embedded snapshot (and in a --snapshot-dir delivery)
    vintage: str
    title: str  # what it is, for the UI and error messages
    key: tuple[str, ...]  # columns that identify a row
    required: tuple[str, ...]  # columns the models read
    commune_key: str | None = None  # column holding INSEE commune codes, if any
    rates: tuple[str, ...] = ()  # percentages: must lie within 0-100
    positive: tuple[str, ...] = ()  # counts that must be > 0 where present
    non_negative: tuple[str, ...] = ()  # counts that must be >= 0 where present
    medians: tuple[str, ...] = ()  # euro medians: plausible bounds
    min_rows: int = 1
    deps: tuple[str, ...] = field(default=())  # datasets whose check must pass first
    covers_territory: bool = True  # False: the source holds only some communes (e.g. 2,000+ inhabitants)
    live_only: bool = False  # no file in the embedded snapshot: offline runs land an empty batch, marked so
    layout: tuple[str, ...] = ()  # full header of a live-only dataset (others take the embedded file's)


GEOGRAPHY = Dataset(
    name="geo_appartenance_2022",
    family="geography",
    file="appartenance_geo_2022_communes_hdf.csv",
    vintage="COG 2022",
    title="INSEE table d'appartenance géographique des communes (COG 2022, Hauts-de-France)",
    key=("CODGEO",),
    required=("CODGEO", "LIBGEO", "DEP", "REG", "EPCI", "NATURE_EPCI", "ARR", "CV", "ZE2020", "BV2012"),
    commune_key="CODGEO",
)

COMMUNES = Dataset(
    name="commune_reference",
    family="commune_reference",
    file="communes_caph.csv",
    vintage="COG 2016-2026",
    title="Commune reference of the territory (Etalab découpage administratif: codes, names, SIREN, populations)",
    key=("code_insee",),
    required=(
        "code_insee", "nom", "siren", "departement", "region", "codes_postaux",
        "population_pkg0_8_0_pl2016_src3677855", "population_pkg4_0_0_cog2024a_src7739582",
        "population_pkg4_1_0_cog2024_src8290591",
    ),
    commune_key="code_insee",
    positive=(
        "population_pkg0_8_0_pl2016_src3677855", "population_pkg4_0_0_cog2024a_src7739582",
        "population_pkg4_1_0_cog2024_src8290591",
    ),
    deps=("geo_appartenance_2022",),
)

COMPARATEUR_2025 = Dataset(
    name="insee_comparateur_2025",
    family="insee",
    file="base_comparateur_2025_communes_hdf.csv",
    vintage="RP2022 / Filosofi 2021 / établissements 2024",
    title="INSEE base du comparateur de territoires, édition 2025 (Hauts-de-France communes)",
    key=("CODGEO",),
    required=(
        "CODGEO", "P22_POP", "P16_POP", "SUPERF", "NAIS1621", "DECE1621", "P22_LOG", "P22_RP",
        "P22_LOGVAC", "P22_RP_PROP", "MED21", "TP6021", "P22_EMPLT", "P22_POP1564",
        "P22_CHOM1564", "P22_ACT1564", "ETTOT24",
    ),
    commune_key="CODGEO",
    rates=("TP6021", "PIMP21"),
    positive=("P22_POP", "P16_POP", "SUPERF"),
    non_negative=("P22_POP1564", "P22_ACT1564", "P22_CHOM1564", "P22_LOG", "P22_LOGVAC", "P22_EMPLT", "ETTOT24"),
    medians=("MED21",),
    deps=("geo_appartenance_2022",),
)

COMPARATEUR_2021 = Dataset(
    name="insee_comparateur_2021",
    family="insee",
    file="base_comparateur_2021ed_communes_hdf.csv",
    vintage="RP2018 / Filosofi 2019 / établissements 2018",
    title="INSEE base du comparateur de territoires, édition janvier 2022 (Hauts-de-France communes)",
    key=("CODGEO",),
    required=(
        "CODGEO", "P18_POP", "P13_POP", "NAIS1318", "DECE1318", "P18_LOG", "P18_RP", "P18_LOGVAC",
        "P18_RP_PROP", "MED19", "TP6019", "P18_EMPLT", "P18_POP1564", "P18_CHOM1564",
        "P18_ACT1564", "ETTOT18",
    ),
    commune_key="CODGEO",
    rates=("TP6019", "PIMP19"),
    positive=("P18_POP",),
    non_negative=("P18_POP1564", "P18_ACT1564", "P18_CHOM1564", "P18_LOG", "P18_LOGVAC", "P18_EMPLT", "ETTOT18"),
    medians=("MED19",),
    deps=("geo_appartenance_2022",),
)

DOSSIER_COMPLET_2025 = Dataset(
    name="insee_dossier_complet_2025",
    family="insee",
    file="dossier_complet_extract_communes_hdf.csv",
    vintage="RP2022 edition (créations 2022-2025, BPE 2024)",
    title="INSEE dossier complet, column extract, RP2022 edition (Hauts-de-France communes)",
    key=("CODGEO",),
    required=(
        "CODGEO", "P22_POP0014", "P22_POP1529", "P22_POP3044", "P22_POP4559", "P22_POP6074",
        "P22_POP7589", "P22_POP90P", "C22_COUPAENF", "C22_FAMMONO", "C22_COUPSENF",
        "P22_ACT1524", "P22_CHOM1524", "ENCTOT24", "BPE_2024_B105", "BPE_2024_B201",
        "BPE_2024_C201", "BPE_2024_C301", "BPE_2024_D307",
    ),
    commune_key="CODGEO",
    non_negative=(
        "P22_POP0014", "P22_POP6074", "P22_POP7589", "P22_POP90P", "C22_FAMMONO", "P22_ACT1524",
        "P22_CHOM1524", "ENCTOT24",
    ),
    deps=("geo_appartenance_2022",),
)

FILOSOFI_2021 = Dataset(
    name="insee_filosofi_2021",
    family="insee",
    file="filosofi_2021_communes_hdf.csv",
    vintage="Filosofi 2021",
    title="INSEE Filosofi 2021, revenus et pauvreté par commune (Hauts-de-France)",
    key=("CODGEO",),
    required=("CODGEO", "NBMENFISC21", "NBPERSMENFISC21", "MED21", "TP6021", "D121", "D921", "RD21"),
    commune_key="CODGEO",
    rates=("TP6021",),
    medians=("MED21",),
    deps=("geo_appartenance_2022",),
)

PUBLISHED = Dataset(
    name="published_comparison_figures",
    family="published",
    file="published_figures_comparison.csv",
    vintage="various (2011-2024)",
    title="Published comparison figures for Nord, Hauts-de-France and France, with source URLs",
    key=("indicator", "geo_level", "geo_code", "year", "sex", "source_url", "section"),
    required=("indicator", "geo_level", "geo_code", "geo_label", "year", "sex", "value", "unit", "source_url"),
)

AGGREGATES_2018 = Dataset(
    name="insee_aggregates_2018",
    family="insee",
    file="aggregates_comparateur_2021ed_sums.csv",
    vintage="RP2018",
    title="Sums of the January-2022 comparateur over all communes of CAPH, Nord, HDF and France (computed)",
    key=("level", "code"),
    required=("level", "code", "label", "n_communes", "P18_POP", "P13_POP", "P18_POP1564", "P18_CHOM1564",
              "P18_ACT1564", "P18_LOG", "P18_LOGVAC", "P18_RP", "P18_RP_PROP", "P18_EMPLT", "ETTOT18"),
    positive=("P18_POP", "n_communes"),
    min_rows=5,
)

HMD_MX = Dataset(
    name="hmd_france_mx",
    family="idh4_inputs",
    file="hmd_france_total_mx_1x1_2000_2021.csv",
    vintage="2000-2021",
    title="Human Mortality Database, France total population: central death rates m(x) by single age and sex",
    key=("year", "age", "sex"),
    required=("year", "age", "sex", "value"),
    non_negative=("value", "age", "year"),
    min_rows=1000,
)

POP_AGE_FRANCE = Dataset(
    name="insee_pop_age_france",
    family="idh4_inputs",
    file="insee_estim_pop_age_quinquennal_france_hdf_2018_2021.csv",
    vintage="1 January 2018-2021",
    title="INSEE population estimates by five-year age group: France and Hauts-de-France départements",
    key=("year", "geo_code", "sex"),
    required=("year", "geo_code", "sex", "pop_0_4", "pop_90_94", "pop_95P", "pop_total"),
    positive=("pop_total", "pop_0_4", "pop_95P"),
    min_rows=24,
)

DIPLOMAS_2018 = Dataset(
    name="insee_diplomas_rp2018",
    family="idh4_inputs",
    file="rp2018_communes_2000plus_hdf_questionr.csv",
    vintage="RP2018",
    title="INSEE RP2018 diplomas of the non-schooled population aged 15+, Hauts-de-France communes of 2,000+ "
          "inhabitants (R package questionr)",
    key=("code_insee",),
    required=("code_insee", "pop_tot", "pop_non_scol_15p", "pop_dipl_aucun", "dipl_aucun"),
    commune_key="code_insee",
    rates=("dipl_aucun", "dipl_bepc"),
    positive=("pop_tot", "pop_non_scol_15p"),
    covers_territory=False,
    min_rows=100,
    deps=("geo_appartenance_2022",),
)

PCAET_PUBLISHED = Dataset(
    name="pcaet_published_figures",
    family="pcaet",
    file="pcaet_caph_published_figures.csv",
    vintage="2016-2023",
    title="Climate plan (PCAET) figures of the CAPH quoted by public documents, with source URLs",
    key=("indicator", "year_or_date", "source_url"),
    required=("indicator", "territory", "siren", "year_or_date", "value", "unit", "source_publisher", "source_url"),
)

PCAET_MORE = Dataset(
    name="pcaet_figures_more",
    family="pcaet",
    file="pcaet_caph_figures_more.csv",
    vintage="2016-2023",
    title="Further CAPH energy and climate facts from press and operators (plants, heat networks, GHG split)",
    key=("indicator", "territory_code", "year", "sector", "source_url"),
    required=("indicator", "territory_level", "territory_code", "year", "sector", "value", "unit", "source_url"),
)

ORE_CONSO = Dataset(
    name="ore_conso_commune",
    family="pcaet",
    file="ore_conso_elec_gaz_commune.csv",
    vintage="annual (Agence ORE)",
    title="Agence ORE: yearly electricity and gas consumption by commune and sector (MWh)",
    key=("code_commune", "annee", "filiere"),
    required=("annee", "filiere", "code_commune", "consototale"),
    layout=("annee", "filiere", "code_commune", "libelle_commune", "code_epci", "consoa", "consoi", "consor",
            "consot", "consona", "consototale"),  # one column per sector (MWh): a, i, r, t, na, then the total
    non_negative=("consototale", "consoa", "consoi", "consor", "consot", "consona"),
    min_rows=0,
    live_only=True,
    covers_territory=False,
    deps=("geo_appartenance_2022",),
)

ODRE_INSTALLATIONS = Dataset(
    name="odre_installations",
    family="pcaet",
    file="odre_registre_installations_commune.csv",
    vintage="rolling 12 months at extraction (ODRÉ)",
    title="ODRÉ national register of electricity production and storage installations, aggregated (kW, kWh)",
    key=(),  # one row per installation, or per commune for the aggregated small installations: no natural key
    required=("codeinseecommune", "filiere", "puismaxinstallee", "energieannuelleglissanteproduite"),
    layout=("codeinseecommune", "commune", "codeepci", "filiere", "technologie", "regime", "nbinstallations",
            "puismaxinstallee", "energieannuelleglissanteproduite", "energieannuelleglissanteinjectee"),
    non_negative=("puismaxinstallee", "energieannuelleglissanteproduite"),
    min_rows=0,
    live_only=True,
    covers_territory=False,
    deps=("geo_appartenance_2022",),
)

DIPLOMAS_MELODI = Dataset(
    name="insee_diplomas_melodi",
    family="idh4_inputs",
    file="ds_rp_diplomes_princ_hdf.csv",
    vintage="latest census in Melodi DS_RP_DIPLOMES_PRINC",
    title="INSEE Melodi DS_RP_DIPLOMES_PRINC: non-schooled population aged 15+ by diploma (EDUC), every "
          "commune of the region",
    key=(),  # long format: one row per commune, diploma level and other dimensions
    required=("GEO", "EDUC", "TIME_PERIOD", "OBS_VALUE"),
    layout=("GEO", "GEO_OBJECT", "EDUC", "SEX", "AGE", "TIME_PERIOD", "OBS_VALUE"),
    non_negative=("OBS_VALUE",),
    min_rows=0,
    live_only=True,
    covers_territory=False,
)

DATASETS: tuple[Dataset, ...] = (
    GEOGRAPHY, COMMUNES, COMPARATEUR_2025, COMPARATEUR_2021, DOSSIER_COMPLET_2025, FILOSOFI_2021,
    PUBLISHED, AGGREGATES_2018, HMD_MX, POP_AGE_FRANCE, DIPLOMAS_2018, PCAET_PUBLISHED, PCAET_MORE, ORE_CONSO,
    ODRE_INSTALLATIONS, DIPLOMAS_MELODI,
)

BY_NAME = {d.name: d for d in DATASETS}

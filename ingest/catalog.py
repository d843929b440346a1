"""The raw datasets the barometer ingests: one entry per raw_* table.

Each entry says where the embedded snapshot keeps the file, which columns the loaders and
models rely on (so a renamed column is caught before dbt), and what the quality gate checks.
Adding a dataset is adding an entry here, a GX suite in quality/suites.py and a dbt source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# The tidy layout of the long files of PROVENANCE §24-§35: one row per territory, variable and year.
TIDY_COLUMNS = ("geo_level", "geo_code", "variable", "year", "value", "unit")


class Rule(NamedTuple):
    """What a tidy file's variables must look like: every variable matches one rule (else it is
    unknown: renamed or new), carries the rule's unit, and its values lie within [low, high]."""

    name: str
    variables: str  # regex on `variable`
    unit: str  # regex on `unit`
    low: float | None = 0
    high: float | None = None


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
    complete: tuple[str, ...] = ()  # columns that must hold a number on every row (no secret, no blank)
    rules: tuple[Rule, ...] = ()  # tidy files: the known variables, their units and ranges
    required_variables: tuple[str, ...] = ()  # tidy files: variables the models read
    at_most: tuple[tuple[str, str], ...] = ()  # tidy files: (a, b) means a <= b for each territory and year
    geo_levels: tuple[str, ...] = ("COM",)  # tidy files: territory levels allowed in geo_level
    scope: str = "region"  # what the commune rows cover: "region" (every commune of HDF) or a département code
    absent: tuple[str, ...] = ()  # communes the source documents as having no row (PROVENANCE), not expected
    territory: str | None = None  # the file covers this EPCI only (a territory's own file): no coverage check elsewhere
    # Further columns the staging models read as numbers (tests/test_reliability.py keeps this in sync with
    # the compiled models): with the ones above, every such cell must be a number, a secret marker or empty.
    numbers: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()  # quoted-figure files: indicators whose value is a statement as published, kept as text
    periods: tuple[str, ...] = ()  # columns holding a period as published (2022-T3, 2012-2014), read as a year when one
    # (code column, level column or fixed level): territory codes that must exist in the geography reference
    codes: tuple[tuple[str, str], ...] | None = None
    # How often the producer publishes: yearly (INSEE's summer releases, most files) or monthly (a register
    # kept up to date: charging points, DPE); the freshness checks and the schedules follow it.
    rhythm: str = "yearly"


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
    territory="200042190",  # the 47 communes of La Porte du Hainaut; other EPCIs take populations from the census
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
    # the marts need the three vintages for every member: a commune without one is refused
    complete=(
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
    numbers=("DECE1621", "DECESD24", "ETAZ24", "ETBE24", "ETFZ24", "ETGU24", "ETOQ24", "ETTEF124", "ETTEFP1024",
             "NAIS1621", "NAISD24", "NBMENFISC21", "P16_EMPLT", "P22_EMPLT_SAL", "P22_MEN", "P22_RP", "P22_RP_PROP",
             "P22_RSECOCC"),
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
    numbers=("DECE1318", "NAIS1318", "NBMENFISC19", "P13_EMPLT", "P13_POP", "P18_EMPLT_SAL", "P18_MEN", "P18_RP",
             "P18_RP_PROP", "P18_RSECOCC", "SUPERF"),
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
    numbers=("BPE_2024_B105", "BPE_2024_B201", "BPE_2024_C201", "BPE_2024_C301", "BPE_2024_D307", "C22_COUPAENF",
             "C22_COUPSENF", "C22_MENFAM", "C22_MENPSEUL", "ELECTEURSLP2024", "ENCITOT25", "ENCTOT22", "ENCTOT23",
             "ENCTOT25", "ETCTOT25", "P11_POP", "P16_POP", "P22_ACT2554", "P22_ACT5564", "P22_CHOM2554", "P22_CHOM5564",
             "P22_POP1529", "P22_POP3044", "P22_POP4559", "SNEMM_23"),
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
    numbers=("D121", "D921", "NBMENFISC21", "NBPERSMENFISC21", "PIMP21", "RD21"),
)

PUBLISHED = Dataset(
    name="published_comparison_figures",
    family="published",
    file="published_figures_comparison.csv",
    vintage="various (2011-2024)",
    title="Published comparison figures for Nord, Hauts-de-France and France, with source URLs",
    key=("indicator", "geo_level", "geo_code", "year", "sex", "source_url", "section"),
    required=("indicator", "geo_level", "geo_code", "geo_label", "year", "sex", "value", "unit", "source_url"),
    numbers=("value",),
    quoted=("part_deces_avant_65_ans", "icm_premature_cancers_range_bassin_minier"),
    periods=("year",),
    codes=(("geo_code", "geo_level"),),
    deps=("geo_appartenance_2022",),
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
    numbers=("DECE1318", "ETTOT18", "NAIS1318", "P13_EMPLT", "P13_POP", "P18_ACT1564", "P18_CHOM1564", "P18_EMPLT",
             "P18_LOG", "P18_LOGVAC", "P18_POP1564", "P18_RP", "P18_RP_PROP"),
    codes=(("code", "level"),),
    deps=("geo_appartenance_2022",),
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
    numbers=("year", *(f"pop_{a}_{a + 4}" for a in range(5, 95, 5))),
)

PCAET_PUBLISHED = Dataset(
    name="pcaet_published_figures",
    family="pcaet",
    file="pcaet_caph_published_figures.csv",
    vintage="2016-2023",
    title="Climate plan (PCAET) figures of the CAPH quoted by public documents, with source URLs",
    key=("indicator", "year_or_date", "source_url"),
    required=("indicator", "territory", "siren", "year_or_date", "value", "unit", "source_publisher", "source_url"),
    numbers=("value",),
    quoted=("pcaet_adoption_date", "part_industrie_consommation_energie", "part_transport_routier_consommation_energie",
            "label_TEPCV"),
    periods=("year_or_date",),
    codes=(("siren", "EPCI"),),
    deps=("geo_appartenance_2022",),
)

PCAET_MORE = Dataset(
    name="pcaet_figures_more",
    family="pcaet",
    file="pcaet_caph_figures_more.csv",
    vintage="2016-2023",
    title="Further CAPH energy and climate facts from press and operators (plants, heat networks, GHG split)",
    key=("indicator", "territory_code", "year", "sector", "source_url"),
    required=("indicator", "territory_level", "territory_code", "year", "sector", "value", "unit", "source_url"),
    numbers=("value",),
    quoted=("ghg_emissions_share_by_sector",),
    periods=("year",),
    codes=(("territory_code", "territory_level"),),
    deps=("geo_appartenance_2022",),
)

DIPLOMAS = Dataset(
    name="insee_diplomas_melodi",
    family="idh4_inputs",
    file="insee_diplomas_rp2017_rp2023_communes_hdf.csv",
    vintage="RP2017 and RP2023 (Melodi DS_RP_DIPLOMES_PRINC)",
    title="INSEE Melodi DS_RP_DIPLOMES_PRINC: non-schooled population aged 15+ by highest diploma (EDUC), "
          "every commune of the region",
    key=("GEO", "EDUC", "SEX", "AGE", "TIME_PERIOD"),
    required=("GEO", "GEO_OBJECT", "EDUC", "SEX", "AGE", "TIME_PERIOD", "OBS_VALUE"),
    commune_key="GEO",
    non_negative=("OBS_VALUE",),
    min_rows=10_000,
    deps=("geo_appartenance_2022",),
    numbers=("TIME_PERIOD",),
    codes=(("GEO", "GEO_OBJECT"),),
)

DIPLOMAS_TOTALS = Dataset(
    name="insee_diplomas_totals",
    family="insee",
    file="insee_diplomas_rp2017_rp2023_totals_dep_fr.csv",
    vintage="RP2017 and RP2023 (Melodi DS_RP_DIPLOMES_PRINC)",
    title="INSEE Melodi DS_RP_DIPLOMES_PRINC: the same counts for the five départements of the region and France",
    key=("GEO", "EDUC", "SEX", "AGE", "TIME_PERIOD"),
    required=("GEO", "GEO_OBJECT", "EDUC", "SEX", "AGE", "TIME_PERIOD", "OBS_VALUE"),
    positive=("OBS_VALUE",),
    min_rows=84,
    numbers=("TIME_PERIOD",),
    codes=(("GEO", "GEO_OBJECT"),),
    deps=("geo_appartenance_2022",),
)


def territory_codes(dataset: Dataset) -> tuple[tuple[str, str], ...]:
    """The (code column, level) pairs whose codes must exist in the geography reference."""
    if dataset.codes is not None:
        return dataset.codes
    if dataset.rules:
        return (("geo_code", "geo_level"),)
    return ((dataset.commune_key, "COM"),) if dataset.commune_key and dataset.family != "geography" else ()


# Codes that the COG 2022 geography does not hold but a delivery of another vintage rightly does.
# Communes of the 2022 geography merged into a neighbour since (PROVENANCE §6, §8, §22): files in a later
# geography have no row for them (their population is counted in the absorbing commune), so no file but
# the geography itself is expected to cover them. None is in La Porte du Hainaut.
MERGED_SINCE_2022 = {
    "02077": "Berzy-le-Sec", "02311": "Filain", "59070": "Bermeries", "62461": "Huby-Saint-Leu",
    "62549": "Marconne", "62743": "Sainte-Austreberthe", "80830": "Yaucourt-Bussus",
}

GEO_VARIANTS = {
    "60694": "Les Hauts-Talican, commune created after COG 2022: in the 2025 INSEE files (PROVENANCE §6, §23)",
    "02695": "commune merged before COG 2022, still a row of the January-2022 comparateur (PROVENANCE §6, §7)",
}


def tidy(name: str, family: str, file: str, vintage: str, title: str, rules: tuple[Rule, ...],
         required_variables: tuple[str, ...], **kw) -> Dataset:
    """A file of the tidy layout (PROVENANCE §24-§35), Nord communes unless `scope` says otherwise."""
    kw.setdefault("scope", "59")
    kw.setdefault("deps", ("geo_appartenance_2022",))
    kw.setdefault("numbers", ("year",))
    return Dataset(name=name, family=family, file=file, vintage=vintage, title=title,
                   key=("geo_level", "geo_code", "variable", "year"), required=TIDY_COLUMNS,
                   commune_key="geo_code", rules=rules, required_variables=required_variables,
                   non_negative=(), **kw)


PERSONS = r"^persons \(INSEE census weighted estimate"
ACTIVITY_2023 = tidy(
    "insee_activity_commuting_rp2023", "insee", "insee_rp2023_activity_commuting_communes_nord.csv",
    "RP2023 (activity also RP2012)",
    "INSEE census RP2023 (Melodi DS_RP_EMPLOI_LR_PRINC, DS_RP_NAVETTES_PRINC): activity of the 15-64, place of "
    "work and commuting mode, Nord communes and département totals",
    rules=(Rule("persons", r"^(pop_15_64|actifs_occupes_)", PERSONS),),
    required_variables=(
        "pop_15_64", "pop_15_64_en_emploi", "pop_15_64_chomeurs", "actifs_occupes_15p",
        "actifs_occupes_travail_commune_residence", "actifs_occupes_voiture_camion_fourgonnette",
        "actifs_occupes_transports_en_commun", "actifs_occupes_velo", "actifs_occupes_a_pied",
    ),
    at_most=(("pop_15_64_en_emploi", "pop_15_64"), ("pop_15_64_chomeurs", "pop_15_64"),
             ("actifs_occupes_travail_commune_residence", "actifs_occupes_15p"),
             ("actifs_occupes_voiture_camion_fourgonnette", "actifs_occupes_15p")),
    geo_levels=("COM", "DEP", "FRANCE"),
)

ORE_CONSO = tidy(
    "ore_energy_consumption", "pcaet", "ore_energy_consumption_2024_communes_nord.csv", "2024",
    "Agence ORE: electricity and gas consumption by commune, residential and all sectors (MWh), with delivery "
    "points and secret cells",
    rules=(Rule("energy", r"^conso_(elec|gaz)_(residentiel|tous_secteurs)_mwh$", r"^MWh$"),
           Rule("counts", r"^(nb_points_livraison_(elec|gaz)_residentiel|nb_mailles_secretisees_(elec|gaz))$", r"^count$")),
    required_variables=("conso_elec_residentiel_mwh", "conso_elec_tous_secteurs_mwh", "conso_gaz_residentiel_mwh",
                        "conso_gaz_tous_secteurs_mwh", "nb_mailles_secretisees_elec"),
    at_most=(("conso_elec_residentiel_mwh", "conso_elec_tous_secteurs_mwh"),
             ("conso_gaz_residentiel_mwh", "conso_gaz_tous_secteurs_mwh")),
)

ODRE_PRODUCTION = tidy(
    "odre_electricity_production", "pcaet", "odre_electricity_production_2026_communes_nord.csv",
    "register of 2026-07-31 (energy over 12 rolling months)",
    "ODRÉ / RTE national register of electricity production installations, aggregated by commune and filière "
    "(installations, kW, MWh injected, status of the energy figure)",
    rules=(Rule("energy", r"^prod_[a-z_]+_energie_injectee_mwh$", r"^MWh$"),
           Rule("power", r"^prod_[a-z_]+_puissance_kw$", r"^kW$"),
           Rule("installations", r"^prod_[a-z_]+_nb_installations$", r"^count$"),
           Rule("status", r"^prod_[a-z_]+_energie_statut$", r"^code \(0=known", 0, 2)),
    required_variables=("prod_solaire_pv_puissance_kw", "prod_solaire_pv_energie_injectee_mwh",
                        "prod_solaire_pv_energie_statut", "prod_solaire_pv_nb_installations"),
    covers_territory=False,  # a commune without any installation has no row (2 of the 47)
)

CEREMA_LAND = tidy(
    "cerema_land_take", "pcaet", "cerema_land_take_2011_2024_communes_nord.csv", "2011-2024",
    "Cerema: consumption of natural, agricultural and forest land (ENAF) by commune, yearly 2011-2024 (ha)",
    rules=(Rule("hectares", r"^(conso_enaf_|surface_commune_ha$)", r"^ha$"),),
    required_variables=("conso_enaf_annuelle_ha", "conso_enaf_2011_2020_ha", "conso_enaf_2021_2024_ha",
                        "surface_commune_ha"),
    at_most=(("conso_enaf_2021_2024_ha", "conso_enaf_total_2011_2024_ha"),
             ("conso_enaf_total_2011_2024_ha", "surface_commune_ha")),
)

AGRESTE_FARMLAND = tidy(
    "agreste_farmland", "pcaet", "agreste_ra2020_farmland_communes_nord.csv", "RA 2020",
    "Agreste, recensement agricole 2020: utilised agricultural area (SAU) of the farms whose seat is in the commune",
    rules=(Rule("hectares", r"^(sau_ha|surface_[a-z_]+_ha)$", r"^ha$"),),
    required_variables=("sau_ha",),
    at_most=(("surface_prairies_ha", "sau_ha"), ("surface_cereales_oleoproteagineux_ha", "sau_ha")),
    covers_territory=False,  # secret cells are skipped: 44 of the 47 communes
)

IRVE_CARPOOL = tidy(
    "irve_carpool", "pcaet", "irve_carpool_2026_communes_nord.csv", "2026",
    "EV charging points (IRVE consolidated file) and car-pool places (Base nationale des lieux de covoiturage)",
    rules=(Rule("counts", r"^(irve_nb_|covoiturage_nb_)", r"^count$"),),
    required_variables=("irve_nb_points_charge", "covoiturage_nb_places_declarees"),
    at_most=(("irve_nb_stations", "irve_nb_points_charge"), ("irve_nb_points_charge_50kw_plus", "irve_nb_points_charge")),
    covers_territory=False,  # an absent commune has no charging point and no car-pool place
    rhythm="monthly",  # registers kept up to date (states of October and September 2026)
)

ADEME_DPE = tidy(
    "ademe_dpe_labels", "housing", "ademe_dpe_labels_2026_communes_nord.csv", "July 2021 - June 2026",
    "ADEME: housing energy-performance diagnostics (DPE) by label A-G, cumulated since July 2021",
    rules=(Rule("diagnostics", r"^dpe_nb_diagnostics_etiquette_[a-g]$", r"^count \(diagnostics\)$"),),
    required_variables=tuple(f"dpe_nb_diagnostics_etiquette_{x}" for x in "abcdefg"),
    geo_levels=("COM", "DEP", "FRANCE"),
    rhythm="monthly",  # the DPE base grows with every diagnostic
    absent=("59171",),  # Dehéries (Nord, 42 inhabitants in 2022): no diagnostic in the base (PROVENANCE §30)
)

CAF_BENEFICIARIES = tidy(
    "caf_beneficiaries", "social", "caf_beneficiaries_2020_2024_communes_nord.csv", "December 2020-2024",
    "CAF: beneficiary households by benefit (RSA, prime d'activité, housing aid, family allowances, PAJE)",
    rules=(Rule("households", r"^(foyers_[a-z_]+|personnes_couvertes)$", r"rounded to 5 by CAF$"),
           Rule("flag", r"^somme_arrondissements_flag$", r"^1 = value is a sum", 0, 1)),
    required_variables=("foyers_allocataires", "foyers_rsa", "foyers_prime_activite"),
    at_most=(("foyers_rsa", "foyers_allocataires"), ("foyers_prime_activite", "foyers_allocataires")),
)

SSMSI_OFFENCES = tidy(
    "ssmsi_offences", "social", "ssmsi_recorded_offences_2016_2025_communes_nord.csv", "2016-2025",
    "SSMSI: offences recorded by police and gendarmerie by commune (counts 2016-2025, rates of the latest year)",
    rules=(Rule("counts", r"^[a-z_]+_nombre$", r"^(victims|victims heard|offences|vehicles|persons implicated)"),
           Rule("rates", r"^[a-z_]+_taux_pour_mille$", r"^per 1000 (inhabitants|dwellings)$", 0, 1000)),
    required_variables=("violences_physiques_intrafamiliales_nombre", "violences_physiques_intrafamiliales_taux_pour_mille"),
    geo_levels=("COM", "DEP"),
    covers_territory=False,  # small counts are not diffused: an absent commune is secret, not zero
)

DREES_APL = tidy(
    "drees_apl", "health", "drees_apl_gp_2022_2024_communes_nord.csv", "2022-2024",
    "DREES: accessibility to general practitioners (APL, consultations per inhabitant per year)",
    rules=(Rule("apl", r"^apl_medecins_generalistes(_65ans_ou_moins)?$", r"^consultations/visits accessible", 0, 20),),
    required_variables=("apl_medecins_generalistes",),
    geo_levels=("COM", "DEP", "FRANCE"),
)

ELECTIONS_2026 = tidy(
    "municipal_elections_2026", "social", "municipal_elections_2026_communes_nord.csv", "March 2026",
    "Ministère de l'Intérieur: municipal elections of March 2026 by commune (registered, voters, ballots, seats)",
    rules=(Rule("ballots", r"^(inscrits|votants|exprimes|bulletins_blancs|bulletins_nuls|bulletins_blancs_et_nuls|"
                            r"voix_liste_en_tete)_t[12]$", r"^(registered voters|voters|valid votes|blank|null|votes)"),
           Rule("lists_seats", r"^(nb_listes_t[12]|sieges_conseil_municipal|sieges_conseil_communautaire)$",
                r"^(number of lists|seats)"),
           Rule("round", r"^tour_decisif$", r"^round that allocated", 1, 2),
           Rule("percent", r"^(taux_participation_t[12]_calc|mediane_communale_[a-z_0-9]+|part_communes_liste_unique_t1)$",
                r"^percent", 0, 100)),
    required_variables=("inscrits_t1", "votants_t1"),
    at_most=(("votants_t1", "inscrits_t1"), ("exprimes_t1", "votants_t1")),
    geo_levels=("COM", "FRANCE"),
)

CNAF_CHILDCARE = tidy(
    "cnaf_childcare_coverage", "social", "caf_childcare_coverage_2023_nord.csv", "2023",
    "CNAF: childcare coverage for children under 3 (places per 100 children), communes of 10,000+, EPCIs, "
    "départements, region, France",
    rules=(Rule("coverage", r"^taux_couverture_[a-z_0-9]+$", r"^places per 100 children under 3", 0, 200),),
    required_variables=("taux_couverture_global",),
    geo_levels=("COM", "EPCI", "DEP", "REG", "FRANCE"),
    covers_territory=False,  # published for communes of 10,000+ inhabitants only (4 of the 47)
)

DATASETS: tuple[Dataset, ...] = (
    GEOGRAPHY, COMMUNES, COMPARATEUR_2025, COMPARATEUR_2021, DOSSIER_COMPLET_2025, FILOSOFI_2021,
    PUBLISHED, AGGREGATES_2018, HMD_MX, POP_AGE_FRANCE, PCAET_PUBLISHED, PCAET_MORE, DIPLOMAS,
    DIPLOMAS_TOTALS, ACTIVITY_2023, ORE_CONSO, ODRE_PRODUCTION, CEREMA_LAND, AGRESTE_FARMLAND, IRVE_CARPOOL, ADEME_DPE,
    CAF_BENEFICIARIES, SSMSI_OFFENCES, DREES_APL, ELECTIONS_2026, CNAF_CHILDCARE,
)

BY_NAME = {d.name: d for d in DATASETS}

# Each dataset's producer, in French, and the producer's public page (PROVENANCE gives the copy we
# ship and its checks): what the published report and manifest link a reader to.
INSEE_COMPARATEUR = "https://www.insee.fr/fr/statistiques/2521169"
INSEE_DOSSIER = "https://www.insee.fr/fr/statistiques/5359146"
MELODI = "https://catalogue-donnees.insee.fr/fr/catalogue/recherche/"
PRODUCER_PAGES: dict[str, tuple[str, str]] = {
    "geo_appartenance_2022": ("INSEE, table d'appartenance géographique des communes au 1er janvier 2022",
                              "https://www.insee.fr/fr/information/2028028"),
    "commune_reference": ("Etalab / INSEE / DGCL, découpage administratif (codes, noms, SIREN, populations légales)",
                          "https://github.com/datagouv/decoupage-administratif"),
    "insee_comparateur_2025": ("INSEE, base du comparateur de territoires (édition 2025)", INSEE_COMPARATEUR),
    "insee_comparateur_2021": ("INSEE, base du comparateur de territoires (édition 2022)", INSEE_COMPARATEUR),
    "insee_dossier_complet_2025": ("INSEE, dossier complet (recensement 2022)", INSEE_DOSSIER),
    "insee_filosofi_2021": ("INSEE, revenus, pauvreté et niveau de vie en 2021 (Filosofi)",
                            "https://www.insee.fr/fr/metadonnees/source/serie/s1172"),
    "published_comparison_figures": ("INSEE et producteurs cités, valeurs publiées pour le Nord, la région et la France",
                                     INSEE_COMPARATEUR),
    "insee_aggregates_2018": ("INSEE, comparateur de territoires (sommes des communes, calculées)", INSEE_COMPARATEUR),
    "hmd_france_mx": ("Human Mortality Database, taux de mortalité par âge, France", "https://www.mortality.org/"),
    "insee_pop_age_france": ("INSEE, estimations de population par âge", "https://www.insee.fr/fr/statistiques/1893198"),
    "pcaet_published_figures": ("Plan climat-air-énergie de la Porte du Hainaut (chiffres publiés)",
                                "https://www.agglo-porteduhainaut.fr/"),
    "pcaet_figures_more": ("Plan climat et exploitants (chiffres publiés)", "https://www.agglo-porteduhainaut.fr/"),
    "insee_diplomas_melodi": ("INSEE, recensement : diplômes (Melodi DS_RP_DIPLOMES_PRINC)",
                              MELODI + "DS_RP_DIPLOMES_PRINC"),
    "insee_diplomas_totals": ("INSEE, recensement : diplômes, départements et France (Melodi)",
                              MELODI + "DS_RP_DIPLOMES_PRINC"),
    "insee_activity_commuting_rp2023": ("INSEE, recensement 2023 : activité et déplacements domicile-travail (Melodi)",
                                        MELODI + "DS_RP_NAVETTES_PRINC"),
    "ore_energy_consumption": ("Agence ORE, consommation annuelle d'électricité et de gaz par commune",
                               "https://opendata.agenceore.fr/datasets/consommation-annuelle-d-electricite-et-gaz-par-commune"),
    "odre_electricity_production": ("ODRÉ / RTE, registre national des installations de production d'électricité",
                                    "https://odre.opendatasoft.com/explore/dataset/"
                                    "registre-national-installation-production-stockage-electricite-agrege/"),
    "cerema_land_take": ("Cerema, consommation d'espaces naturels, agricoles et forestiers",
                         "https://artificialisation.developpement-durable.gouv.fr/"),
    "agreste_farmland": ("Agreste, recensement agricole 2020", "https://agreste.agriculture.gouv.fr/"),
    "irve_carpool": ("Fichier consolidé des bornes de recharge et base nationale des lieux de covoiturage",
                     "https://transport.data.gouv.fr/"),
    "ademe_dpe_labels": ("ADEME, diagnostics de performance énergétique des logements", "https://data.ademe.fr/"),
    "caf_beneficiaries": ("CAF, foyers allocataires par commune", "https://data.caf.fr/"),
    "ssmsi_offences": ("SSMSI, crimes et délits enregistrés par commune", "https://www.interieur.gouv.fr/Interstats"),
    "drees_apl": ("DREES, accessibilité potentielle localisée aux médecins généralistes",
                  "https://data.drees.solidarites-sante.gouv.fr/"),
    "municipal_elections_2026": ("Ministère de l'Intérieur, élections municipales de mars 2026",
                                 "https://www.data.gouv.fr/fr/pages/donnees-des-elections/"),
    "cnaf_childcare_coverage": ("CNAF, taux de couverture en accueil du jeune enfant", "https://data.caf.fr/"),
}

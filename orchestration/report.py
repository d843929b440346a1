"""report.html: the barometer as officials, mayors and the panel read it, in French, readable offline.

Everything is inline (CSS, SVG charts, SVG maps): no script, no font, no image from the network. The
map's indicator is chosen with radio buttons and CSS only. Links go to the producers' pages.
"""

from __future__ import annotations

import json
import math
from datetime import date

import duckdb
from jinja2 import Environment
from markupsafe import Markup

from ingest import catalog, settings
from ingest.sources import public_name
from orchestration import report_charts

# The indicators a reader can put on the map (the first one is also the commune bar chart).
MAP_INDICATORS = {"taux_chomage_15_64": "Chômage des 15-64 ans", "niveau_vie_median": "Niveau de vie médian",
                  "idh4": "IDH-4", "part_diplome_superieur_cep": "Adultes diplômés",
                  "part_familles_monoparentales": "Familles monoparentales"}
# What a mayor brings to the council: the commune's page shows these, against the EPCI, Nord and region.
PAGE_INDICATORS = ("population", "population_evolution_annuelle", "taux_chomage_15_64", "taux_chomage_15_24",
                   "taux_activite_15_64", "niveau_vie_median", "taux_pauvrete", "part_familles_monoparentales",
                   "part_logements_vacants", "part_75_ans_plus", "equipements_proximite_10000_hab", "idh4",
                   "part_diplome_superieur_cep", "apl_medecins_generalistes", "foyers_rsa_1000_menages",
                   "part_dpe_f_g", "consommation_elec_gaz_residentiel_par_habitant", "conso_espaces_naf_annuelle")
PANEL_COLUMNS = ("panel_impacts", "panel_achievements", "panel_difficulties", "panel_improvements")
# shapes that read in black and white too; the word is always written beside
ARROWS = {"amélioration": "▲", "dégradation": "▼", "stable": "=", "sans polarité": "↔"}
FRAGILE = ("small_numbers", "partial", "minimum")
EPCI_NATURES = {"CA": "communautés d'agglomération", "CU": "communautés urbaines", "CC": "communautés de communes",
                "ME": "métropoles"}
ENGAGEMENTS = {
    "E1": "Engagement 1 — Rattraper les retards de développement",
    "E2": "Engagement 2 — Faire face collectivement aux enjeux globaux (PCAET)",
    "E3": "Engagement 3 — Accompagner les conversions et la résilience",
    "Transversal": "Ambitions transversales — Vivre ensemble, expérimenter et coopérer",
}


def fr(value, digits: int | None = None) -> str:
    """French number format: thin-space thousands, decimal comma; a dash for a missing value.
    Without `digits`, the precision follows the magnitude (an index 0,290; a rate 17,6; a count 43 102)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if digits is None:
        digits = 0 if value == 0 else 3 if abs(value) < 1 else 1 if abs(value) < 1000 else 0
    if round(value, digits) == 0:
        value = 0.0  # never "-0,0"
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def digits_for(kind: str | None, unit: str | None) -> int | None:
    """Precision for the indicator's unit: counts and euros as integers, rates to one decimal, indices to
    three; None (by magnitude) when the kind says nothing."""
    unit = unit or ""
    if kind == "count" or unit.startswith("€") or unit in ("habitants", "emplois", "ha"):
        return 0
    if unit.startswith("indice"):
        return 1 if "100" in unit else 3  # an ICM (France = 100) to one decimal, an index of 0 to 1 to three
    if kind in ("ratio", "growth") or "%" in unit:
        return 1
    return None


def quantity(value) -> str:
    """A value a service typed: as typed (a whole number without decimals), else by magnitude."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return fr(value, 0 if float(value).is_integer() else None)


def figure(value, kind: str | None = None, unit: str | None = None, with_unit: bool = True) -> str:
    """A value formatted for its unit, with the unit written after it (never after an index)."""
    text = fr(value, digits_for(kind, unit))
    if with_unit and unit and not unit.startswith("indice") and value is not None:
        return f"{text} {unit}"
    return text


def gather(con: duckdb.DuckDBPyConnection, cycle: int) -> dict:
    """The report's content for the barometer's EPCI (settings.territory()): the marts may hold others."""
    epci = settings.territory()
    barometer = con.execute(
        "SELECT b.*, d.kind, d.source, d.source_url FROM marts.barometer b LEFT JOIN marts.dim_indicator d "
        "USING (indicator_id) WHERE b.cycle = ? AND b.epci_siren = ? "
        "ORDER BY b.engagement, b.criterion_id, b.indicator_id NULLS FIRST", [cycle, epci]).df()
    for col in ("year_t", "year_t1", "polarity"):
        barometer[col] = barometer[col].astype("Int64")
    barometer = barometer.astype(object).where(barometer.notna(), None)
    communes = con.execute("SELECT commune_code, commune_name, population_2022 FROM marts.dim_commune WHERE epci_siren = ? "
                           "ORDER BY commune_name COLLATE nocase, commune_code", [epci]).fetchall()
    # the département compared with: the one holding most of the EPCI's population (as in marts.barometer)
    departement = con.execute("SELECT arg_max(departement_code, population) FROM (SELECT departement_code, "
                              "sum(population_2022) AS population FROM marts.dim_commune WHERE epci_siren = ? GROUP BY 1)",
                              [epci]).fetchone()[0]
    maps = [_map(con, indicator_id, short, epci, departement) for indicator_id, short in MAP_INDICATORS.items()]
    sources = [(d, public_name(o), s) for d, o, s in con.execute(
        "SELECT DISTINCT dataset, origin, sha256 FROM audit.raw_batches WHERE status = 'promoted' ORDER BY dataset").fetchall()]
    from orchestration.publication import previous_publication

    previous = previous_publication(cycle)
    contours_file = settings.snapshot_dir() / "communes_caph_contours_2018.geojson"
    if not contours_file.exists():
        contours_file = settings.EMBEDDED_DIR / "communes_caph_contours_2018.geojson"
    peers = {(r["indicator_id"], r["year"]): r for r in _records(
        con, "SELECT * FROM marts.epci_peers WHERE is_territory AND rank_among_peers IS NOT NULL")}
    roadmap = _records(con, """
        SELECT r.*, lag(value) OVER w AS previous_value, lag(year) OVER w AS previous_year
        FROM marts.roadmap_indicator r WHERE year IS NULL OR year <= ?
        WINDOW w AS (PARTITION BY service, indicator_code ORDER BY year)
        QUALIFY row_number() OVER (PARTITION BY service, indicator_code ORDER BY year DESC NULLS LAST) = 1
        ORDER BY engagement, criterion_id, service, indicator_type, indicator_code""", [cycle + 2])
    milestones = _records(con, "SELECT * FROM marts.roadmap_milestone WHERE state IN ('en retard', 'atteint') "
                               "ORDER BY engagement, state DESC, due_date")
    followup = _records(con, "SELECT * FROM marts.engagement_followup WHERE amount_eur IS NOT NULL OR decisions > 0 "
                             "ORDER BY engagement, year")
    return {
        "roadmap": roadmap, "milestones": milestones, "followup": followup, "peers": peers,
        "cycle": cycle, "barometer": barometer.to_dict("records"), "communes": communes,
        "maps": [m for m in maps if m["values"]], "pages": _commune_pages(con, epci, departement),
        "contours": json.loads(contours_file.read_text(encoding="utf-8")),
        "sources": [(d, o, s, *catalog.PRODUCER_PAGES.get(d, (d, ""))) for d, o, s in sources],
        "previous": previous.name if previous else None,
    }


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    frame = con.execute(sql, params or []).df()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


# The comparison rows of one EPCI in the long fact table: its own, its département's, the region's, France's.
_REFS = ("((territory_level = 'epci' AND territory_code = $epci) OR (territory_level = 'departement' AND "
         "territory_code = $dep) OR territory_level IN ('region', 'france'))")


def _map(con: duckdb.DuckDBPyConnection, indicator_id: str, short: str, epci: str, departement: str) -> dict:
    """One mapped indicator: the EPCI's communes' values of their latest year, and the EPCI, its
    département, region and France values of the same year (computed from sums where both exist)."""
    label, unit, kind, polarity, year = con.execute(
        "SELECT label_fr, unit, kind, polarity, (SELECT max(year) FROM marts.fct_indicator_value WHERE indicator_id = $id "
        "AND territory_level = 'commune' AND epci_siren = $epci AND value IS NOT NULL) FROM marts.dim_indicator "
        "WHERE indicator_id = $id", {"id": indicator_id, "epci": epci}).fetchone() or (None,) * 5
    rows = con.execute(
        "SELECT d.commune_code, d.commune_name, f.value FROM marts.dim_commune d LEFT JOIN marts.fct_indicator_value f "
        "ON f.territory_code = d.commune_code AND f.territory_level = 'commune' AND f.indicator_id = ? AND f.year = ? "
        "WHERE d.epci_siren = ?", [indicator_id, year, epci]).fetchall()
    refs = con.execute(
        "SELECT territory_level, arg_min(value, basis = 'published') FROM marts.fct_indicator_value "
        f"WHERE indicator_id = $id AND year = $year AND {_REFS} AND value IS NOT NULL GROUP BY territory_level",
        {"id": indicator_id, "year": year, "epci": epci, "dep": departement}).fetchall()
    order = list(report_charts.REF_NAMES)
    return {"indicator": indicator_id, "short": short, "label": label, "unit": unit, "kind": kind, "polarity": polarity, "year": year,
            "names": {c: n for c, n, _ in rows}, "values": {c: v for c, _, v in rows if v is not None},
            "refs": dict(sorted(refs, key=lambda r: order.index(r[0])))}


def _commune_pages(con: duckdb.DuckDBPyConnection, epci: str, departement: str) -> dict[str, dict]:
    """Per commune: its catch-up score and rank, and PAGE_INDICATORS at their latest commune year with the
    commune's rank in the EPCI (1 = most favourable; fragile values are not ranked) and the EPCI, Nord
    and region values of the same year."""
    ids = list(PAGE_INDICATORS)
    rows = con.execute(f"""
        WITH latest AS (
            SELECT indicator_id, max(year) AS year FROM marts.fct_indicator_value
            WHERE territory_level = 'commune' AND epci_siren = $epci AND value IS NOT NULL AND list_contains($ids, indicator_id)
            GROUP BY indicator_id),
        c AS (
            SELECT f.territory_code AS commune_code, f.indicator_id, f.year, f.value, f.quality_flag, d.polarity
            FROM marts.fct_indicator_value f JOIN latest USING (indicator_id, year)
            JOIN marts.dim_indicator d USING (indicator_id)
            WHERE f.territory_level = 'commune' AND f.epci_siren = $epci AND f.value IS NOT NULL),
        ranked AS (
            SELECT commune_code, indicator_id,
                   rank() OVER (PARTITION BY indicator_id ORDER BY value * polarity DESC) AS rank_in_epci,
                   count(*) OVER (PARTITION BY indicator_id) AS ranked_communes
            FROM c WHERE quality_flag = 'ok' AND polarity <> 0),
        refs AS (
            SELECT indicator_id, year,
                   arg_min(value, basis = 'published') FILTER (WHERE territory_level = 'epci') AS epci,
                   arg_min(value, basis = 'published') FILTER (WHERE territory_level = 'departement') AS departement,
                   arg_min(value, basis = 'published') FILTER (WHERE territory_level = 'region') AS region
            FROM marts.fct_indicator_value JOIN latest USING (indicator_id, year)
            WHERE value IS NOT NULL AND {_REFS} GROUP BY indicator_id, year)
        SELECT c.commune_code, c.indicator_id, d.label_fr, d.unit, d.kind, d.source_url, c.year, c.value,
               c.quality_flag, r.rank_in_epci, r.ranked_communes, refs.epci, refs.departement, refs.region
        FROM c JOIN marts.dim_indicator d USING (indicator_id)
        LEFT JOIN ranked r USING (commune_code, indicator_id) LEFT JOIN refs USING (indicator_id, year)
        ORDER BY c.commune_code, list_position($ids, c.indicator_id)""", {"ids": ids, "epci": epci, "dep": departement}).df()
    rows = rows.astype(object).where(rows.notna(), None)
    scores = con.execute("SELECT commune_code, catch_up_need_score, catch_up_need_rank, "
                         "count(catch_up_need_score) OVER () FROM marts.engagement_1 WHERE epci_siren = ?", [epci]).fetchall()
    pages = {code: {"score": s, "rank": r, "of": n, "rows": []} for code, s, r, n in scores}
    for row in rows.to_dict("records"):
        pages.setdefault(row["commune_code"], {"score": None, "rank": None, "of": None, "rows": []})["rows"].append(row)
    return pages


def summary(rows: list[dict]) -> dict[str, list[str]]:
    """The first page, generated from the grid: what progresses, what falls behind (against T-1, or
    far below the Nord), the targets, and what remains to be measured. Every sentence carries its
    figure and year; a fragile value (small numbers, partial, minimum) is left out of the verdicts."""
    solid = [r for r in rows if r.get("indicator_id") and r.get("value_t") is not None
             and r.get("quality_t") not in FRAGILE]

    def fig(r, value) -> str:
        return figure(value, r.get("kind"), r.get("unit"))

    def change(r) -> str:
        return (f"{r['indicator_label']} : {fig(r, r['value_t'])} en {r['year_t']}, "
                f"contre {fig(r, r['value_t1'])} en {r['year_t1']}.")

    # a change too small to show at the indicator's precision ("39 ha against 39 ha") is no verdict
    visible = [r for r in solid if fig(r, r["value_t"]) != fig(r, r.get("value_t1"))]
    progress = [change(r) for r in visible if r.get("trend") == "amélioration"]
    behind = [change(r) for r in visible if r.get("trend") == "dégradation"]
    # the three largest unfavourable gaps to the Nord (rates and indices only: a count of the EPCI is not
    # comparable with the Nord's), same year, relative to the Nord's value
    gaps = sorted(((r["value_t"] - r["value_departement"]) * r["polarity"] / abs(r["value_departement"]), i, r)
                  for i, r in enumerate(solid) if r.get("value_departement") and r.get("polarity")
                  and r.get("kind") != "count")
    behind += [f"{r['indicator_label']} : {fig(r, r['value_t'])} en {r['year_t']}, "
               f"contre {fig(r, r['value_departement'])} pour le Nord."
               for gap, _, r in gaps[:3] if gap < -0.1]
    targets = [f"{r['indicator_label']} : {fig(r, r['value_t'])} en {r['year_t']}, pour "
               f"{fig(r, r['trajectory_value'])} sur la trajectoire vers l'objectif de "
               f"{fig(r, r['target_value'])} en {r['target_year']}."
               for r in solid if r.get("trajectory_value") is not None and r.get("target_value") is not None
               and r.get("gap_to_trajectory") not in (None, 0)]
    seen, to_measure = set(), []
    for r in rows:
        if not r.get("indicator_id") and r["criterion_id"] not in seen:
            seen.add(r["criterion_id"])
            to_measure.append(f"{r['criterion_label']} : {r.get('candidate_source') or 'appréciation du panel'}.")
    return {"progress": progress, "behind": behind, "targets": targets, "to_measure": to_measure}


# Words a resident may not know, explained once at the end of the report (anchors #glossaire-…).
GLOSSARY = {
    "millesime": ("Millésime", "L'année à laquelle une donnée se rapporte (par exemple le recensement de 2022), "
                  "qui n'est pas l'année où elle a été publiée."),
    "t-t1": ("Situation T et baromètre T-1", "T est la dernière valeur connue pendant le cycle du baromètre ; T-1 est "
             "la valeur du baromètre précédent, ou à défaut la valeur précédente de la même source."),
    "recensement": ("Recensement de la population", "Enquête de l'INSEE qui couvre chaque commune sur cinq ans ; "
                    "l'INSEE déconseille de comparer deux recensements distants de moins de cinq ans."),
    "idh4": ("IDH-4", "Indice de développement humain calculé par la région Hauts-de-France : moyenne de trois "
             "indices entre 0 et 1, santé (mortalité), éducation (part des adultes diplômés) et niveau de vie "
             "(revenu médian). Plus il est proche de 1, plus le développement humain est élevé."),
    "icm": ("ICM (indice comparatif de mortalité)", "Décès observés rapportés aux décès attendus si la population "
            "avait la mortalité moyenne de la France, à âge égal, multiplié par 100 : au-dessus de 100, on meurt "
            "plus que la moyenne. Il est calculé sur le canton de la commune, car une commune seule compte trop "
            "peu de décès."),
    "niveau-vie": ("Niveau de vie médian", "Revenu disponible du ménage divisé par le nombre d'unités de "
                   "consommation ; la moitié des habitants a moins, l'autre moitié plus (source Filosofi)."),
    "chomage": ("Taux de chômage (recensement)", "Part des personnes qui se déclarent au chômage parmi les actifs "
                "de 15 à 64 ans ; il diffère du taux de chômage du Bureau international du travail."),
    "secret": ("Secret statistique", "Une valeur qui porterait sur trop peu de personnes ou d'entreprises n'est "
               "pas diffusée par son producteur : elle reste manquante, jamais remplacée par zéro."),
    "fragile": ("Valeur fragile (grisée)", "Valeur calculée sur de petits effectifs, sur une partie seulement des "
                "communes, ou en partie secrétisée : elle est montrée mais pas classée ni commentée."),
    "besoin": ("Score de besoin de rattrapage", "Pour chaque commune, moyenne de ses positions parmi les communes "
               "des Hauts-de-France sur six indicateurs (chômage des 15-64 ans et des 15-24 ans, activité, "
               "niveau de vie, familles monoparentales, logements vacants) ; 100 = la situation la moins favorable de la région."),
    "epci": ("EPCI, agglomération", "Établissement public de coopération intercommunale : ici la Communauté "
             "d'agglomération de La Porte du Hainaut et ses 47 communes."),
    "pcaet": ("PCAET", "Plan climat-air-énergie territorial : la feuille de route climat de l'agglomération, qui fixe "
              "les objectifs de consommation d'énergie, d'énergies renouvelables et d'émissions."),
    "enaf": ("ENAF et ZAN", "Espaces naturels, agricoles et forestiers consommés par l'urbanisation ; l'objectif "
             "« zéro artificialisation nette » (ZAN) impose de diviser cette consommation par deux."),
    "pairs": ("Pairs", "Les EPCI des Hauts-de-France de même nature (communauté d'agglomération, de communes, "
              "urbaine, métropole) et de même classe de taille ; le rang 1 est la situation la plus favorable."),
    "quintile": ("Classes de la carte", "Les communes sont réparties en cinq classes d'effectifs égaux (quintiles) : "
                 "la plus foncée regroupe le cinquième des communes aux valeurs les plus élevées."),
}

TEMPLATE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baromètre du Projet de Territoire — cycle {{ cycle }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1180px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #2c7fb8; }
a { color: #1f5f8b; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: .3rem .4rem; vertical-align: top; }
th { background: #eef3f8; text-align: left; } td.n { text-align: right; white-space: nowrap; }
table.grille { table-layout: fixed; } col.ind { width: 30%; } col.num { width: 8%; } col.evo { width: 17%; } col.cible { width: 13%; }
tr.crit th { background: #dbe7f3; font-size: .95rem; } tr.panelrow td { background: #fafafa; color: #444; font-size: .8rem; }
td { overflow-wrap: anywhere; }
.amelioration { color: #1a7f37; font-weight: 600; } .degradation { color: #b30000; font-weight: 600; }
.panel { color: #666; font-style: italic; } svg text { font-size: 11px; }
svg text.num { font-size: 9px; font-weight: 700; paint-order: stroke; stroke: #fff; stroke-width: 2px; pointer-events: none; }
svg { max-width: 100%; height: auto; }
tr.fragile td.n { color: #888; background: #f4f4f4; }
tr.feuille td { background: #f7fbf3; } p.exemple { border-left: 4px solid #b30000; padding-left: .6rem; }
table.ressources { width: auto; }
.legend span { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 12px; }
.choix input { position: absolute; opacity: 0; } .choix label { display: inline-block; border: 1px solid #2c7fb8; padding: .2rem .6rem; margin: 0 .3rem .5rem 0; cursor: pointer; border-radius: 3px; }
.choix .vue { display: none; }
{% for m in maps %}#carte-{{ loop.index }}:checked ~ .vues .vue-{{ loop.index }} { display: block; }
#carte-{{ loop.index }}:checked + label { background: #2c7fb8; color: #fff; }
#carte-{{ loop.index }}:focus-visible + label { outline: 2px solid #000; }
{% endfor %}
ol.noms { columns: 4; font-size: .85rem; padding-left: 2rem; }
ol.noms li { break-inside: avoid; }
section.fiche { border-top: 1px solid #ccc; margin-top: 1.2rem; }
section.fiche table { font-size: .8rem; }
dl.glossaire dt { font-weight: 600; margin-top: .6rem; } dl.glossaire dd { margin-left: 1.2rem; }
@media print { body { max-width: none; margin: 0; font-size: 10pt; } h2 { break-before: page; } h2#resume { break-before: auto; }
  tbody.critere, section.fiche { break-inside: avoid; } .amelioration, .degradation { color: #000; }
  .choix label { display: none; } .choix .vue { display: block; break-inside: avoid; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>Baromètre du Projet de Territoire 2024-2044 — Communauté d'agglomération de La Porte du Hainaut</h1>
<p>Cycle <strong>{{ cycle }}</strong> · {{ communes | length }} communes · publié le {{ published_on }} · situation T comparée au baromètre T-1
{% if previous %}(baromètre publié {{ previous }}){% else %}(aucun baromètre publié auparavant : T-1 est la valeur précédente de la même source){% endif %}.
Les mots techniques sont expliqués dans le <a href="#glossaire">glossaire</a> ; chaque chiffre renvoie à son <a href="#sources">producteur</a>.</p>

<h2 id="resume">En bref</h2>
<h3>Ce qui progresse</h3>
<ul>{% for s in summary.progress %}<li>{{ s }}</li>{% else %}<li>Aucune évolution favorable mesurable.</li>{% endfor %}</ul>
<h3>Ce qui recule ou reste en retrait</h3>
<ul>{% for s in summary.behind %}<li>{{ s }}</li>{% else %}<li>Aucune évolution défavorable mesurable.</li>{% endfor %}</ul>
{% if summary.targets %}<h3>Les objectifs du plan</h3>
<ul>{% for s in summary.targets %}<li>{{ s }}</li>{% endfor %}</ul>{% endif %}
<h3>Ce qui reste à mesurer</h3>
<ul>{% for s in summary.to_measure %}<li>{{ s }}</li>{% endfor %}</ul>
<p><small>Les valeurs fragiles (petits effectifs, couverture partielle, données en partie secrétisées) ne sont pas retenues ici ; elles restent dans la grille, grisées.</small></p>

<h2 id="grille">Grille de positionnement</h2>
<p class="legend">T-1 et T : <span style="background:#a6bddb"></span>T-1 <span style="background:#2c7fb8"></span>T.
▲ amélioration, ▼ dégradation, = stable, compte tenu du sens souhaitable de l'indicateur. Les quatre colonnes qualitatives sont renseignées par le panel.</p>
{% for engagement, criteria in grid %}
<h3>{{ engagement_labels.get(engagement, engagement) }}</h3>
<table class="grille">
<colgroup><col class="ind"><col class="num"><col class="num"><col class="evo"><col class="num"><col class="num"><col class="num"><col class="cible"></colgroup>
<thead><tr><th>Indicateur</th><th>Situation T</th><th>Baromètre T-1</th><th>Évolution</th>
<th>Nord</th><th>Hauts-de-France</th><th>France</th><th>Cible</th></tr></thead>
{% for c in criteria %}<tbody class="critere">
<tr class="crit"><th colspan="8" scope="colgroup">{{ c.id }} — {{ c.label }}</th></tr>
{% for r in c.rows %}<tr{% if r.quality_t in fragile %} class="fragile"{% endif %}>
<td>{% if r.indicator_id %}{{ r.indicator_label }} <small>({{ r.unit }})</small>{% if r.source %}<br><small>Source : {% if r.source_url %}<a href="{{ r.source_url }}">{{ r.source }}</a>{% else %}{{ r.source }}{% endif %}</small>{% endif %}{% else %}<span class="panel">à renseigner par le panel</span>{% endif %}{% set pr = peers.get((r.indicator_id, r.year_t)) %}{% if pr %}<br><small class="pairs">Parmi les {{ pr.peers }} {{ natures.get(pr.epci_nature, pr.epci_nature) }} de {{ pr.size_class }} de la région qui ont cette donnée : <strong>{{ pr.rank_among_peers }}<sup>{{ "er" if pr.rank_among_peers == 1 else "e" }}</sup></strong> (médiane des pairs {{ num(r, pr.peers_median) }} ; {{ pr.rank_in_region }}<sup>{{ "er" if pr.rank_in_region == 1 else "e" }}</sup> sur {{ pr.epcis_in_region }} EPCI ayant la donnée)</small>{% endif %}{% if r.note %}<br><small>{{ r.note }}</small>{% endif %}{% if r.missing_measure and r.indicator_id and loop.first %}<br><small class="panel">Non mesuré : {{ r.missing_measure }} — source qui servirait : {{ r.candidate_source }}.</small>{% endif %}</td>
<td class="n">{{ num(r, r.value_t) }}{% if r.year_t %}<br><small>{{ r.year_t }}</small>{% endif %}</td>
<td class="n">{{ num(r, r.value_t1) }}{% if r.year_t1 %}<br><small>{{ r.year_t1 }}</small>{% endif %}</td>
<td class="{{ r.trend | css }}">{{ r.trend | arrow }} {{ r.trend }}{% if r.change is not none %} ({{ "+" if r.change > 0 else "" }}{{ num(r, r.change) }}){% endif %}<br>{{ bars(r) }}</td>
<td class="n">{{ num(r, r.value_departement) }}</td><td class="n">{{ num(r, r.value_region) }}</td><td class="n">{{ num(r, r.value_france) }}</td>
<td>{% if r.target %}{{ r.target }}{% endif %}</td>
</tr>{% endfor %}
{% for r in roadmap_by_criterion.get(c.id, []) %}<tr class="feuille">
<td>{{ r.indicator_label }} <small>({{ r.unit }})</small><br><small>Feuille de route — {{ r.service }} · indicateur {{ "d'" if r.indicator_type == "impact" else "de " }}{{ r.indicator_type }}{% if r.is_example %} · <strong>exemple fictif</strong>{% endif %}</small></td>
<td class="n">{{ qty(r.value) }}{% if r.year %}<br><small>{{ r.year }}</small>{% endif %}</td>
<td class="n">{{ qty(r.previous_value) }}{% if r.previous_year %}<br><small>{{ r.previous_year }}</small>{% endif %}</td>
<td class="{{ r | track_css }}">{{ r | track }}</td>
<td colspan="3">{% if r.ambition_value is not none %}Ligne d'ambition en {{ r.year }} : {{ qty(r.ambition_line) }}{% endif %}</td>
<td>{% if r.ambition_value is not none %}{{ qty(r.ambition_value) }} en {{ r.ambition_year }}{% endif %}</td>
</tr>{% endfor %}
<tr class="panelrow"><td colspan="8"><strong>Grille du panel</strong> —
Impacts imputables au PDT : {{ c.panel.panel_impacts or "à renseigner" }} ·
Acquis consolidés : {{ c.panel.panel_achievements or "à renseigner" }} ·
Difficultés, retards, échecs : {{ c.panel.panel_difficulties or "à renseigner" }} ·
Objectifs d'amélioration : {{ c.panel.panel_improvements or "à renseigner" }}</td></tr>
</tbody>{% endfor %}
</table>
{% endfor %}

<h2 id="feuilles-de-route">Les feuilles de route des services</h2>
<p>Chaque service traduit les engagements en actions suivies par des indicateurs de réalisation, de résultat et d'impact ;
un indicateur de résultat porte un niveau d'ambition, et la ligne droite de la valeur de référence à l'ambition dit s'il est sur la trajectoire.</p>
{% if not roadmap and not followup %}<p>Aucune feuille de route, ligne budgétaire ni délibération n'a encore été livrée par les services pour ce baromètre.</p>{% endif %}
{% if roadmap | selectattr("is_example") | list or followup | selectattr("includes_example") | list %}<p class="exemple"><strong>Attention :</strong> une partie de ces chiffres vient de l'exemple fictif du modèle de feuille de route (mention « exemple fictif ») ; ils ne décrivent pas le territoire.</p>{% endif %}
{% for engagement, label in engagement_labels.items() if engagement != "Transversal" %}{% set rows = roadmap | selectattr("engagement", "equalto", engagement) | list %}{% set late = milestones | selectattr("engagement", "equalto", engagement) | list %}{% set money = followup | selectattr("engagement", "equalto", engagement) | list %}
<h3>{{ label }}</h3>
{% if rows %}<table><thead><tr><th>Service et action</th><th>Indicateur</th><th>Dernière valeur</th><th>Niveau d'ambition</th><th>Où en est-on ?</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.service }}<br><small>{{ r.action }}</small></td>
<td>{{ r.indicator_label }} <small>({{ r.unit }} ; {{ r.indicator_type }}{% if r.is_example %} ; exemple fictif{% endif %})</small>{% if r.evaluative_question %}<br><small>Question évaluative : {{ r.evaluative_question }}</small>{% endif %}</td>
<td class="n">{{ qty(r.value) }}{% if r.year %}<br><small>{{ r.year }}</small>{% endif %}</td>
<td class="n">{% if r.ambition_value is not none %}{{ qty(r.ambition_value) }} en {{ r.ambition_year }}<br><small>référence {{ qty(r.baseline_value) }} en {{ r.baseline_year }}</small>{% else %}—{% endif %}</td>
<td class="{{ r | track_css }}">{{ r | track }}{% if r.ambition_line is not none %}<br><small>ligne d'ambition : {{ qty(r.ambition_line) }}</small>{% endif %}</td></tr>
{% endfor %}</tbody></table>{% else %}<p>Aucun indicateur de feuille de route livré pour cet engagement.</p>{% endif %}
{% if late %}<p><strong>Jalons</strong> :</p><ul>{% for m in late %}<li>{{ m.milestone }} ({{ m.service }}, {{ m.action }}) : {% if m.state == "atteint" %}atteint le {{ m.reached_date | date_fr }} (échéance {{ m.due_date | date_fr }}){% else %}en retard de {{ m.days_late }} jours (échéance {{ m.due_date | date_fr }}){% endif %}{% if m.is_example %} — exemple fictif{% endif %}.</li>{% endfor %}</ul>{% endif %}
{% if money %}<table class="ressources"><thead><tr><th>Année</th><th>Crédits affectés</th><th>Délibérations</th></tr></thead><tbody>
{% for f in money %}<tr><td>{{ f.year }}</td><td class="n">{% if f.amount_eur is not none %}{{ fr(f.amount_eur, 0) }} €{% else %}—{% endif %}</td><td class="n">{{ f.decisions }}</td></tr>{% endfor %}
</tbody></table>{% endif %}
{% endfor %}

<h2 id="communes">Les communes face aux territoires de comparaison</h2>
<p>{{ maps[0].label }} ({{ maps[0].unit }}), {{ maps[0].year }}. Les traits verticaux donnent la valeur de l'agglomération,
du Nord, des Hauts-de-France et de la France lorsqu'elle existe pour la même année.</p>
{{ commune_chart }}

<h2 id="carte">Carte des communes</h2>
<p>Choisissez l'indicateur représenté. Chaque commune porte un numéro (liste ci-dessous) ; un clic sur la carte ou sur un nom ouvre sa fiche.
Contours IGN Admin Express COG 2018 simplifiés.</p>
<div class="choix">
{% for m in maps %}<input type="radio" name="carte" id="carte-{{ loop.index }}"{% if loop.first %} checked{% endif %}><label for="carte-{{ loop.index }}">{{ m.short }}</label>
{% endfor %}<div class="vues">
{% for m in maps %}<figure class="vue vue-{{ loop.index }}">{{ map_svg(m) }}
<figcaption>{{ m.label }}{% if m.unit %}, en {{ m.unit }}{% endif %}, {{ m.year }} ; cinq classes d'effectifs égaux, la plus foncée pour la situation la moins favorable.</figcaption></figure>
{% endfor %}</div>
</div>
<ol class="noms">{% for code, name, _ in communes %}<li><a href="#commune-{{ code }}">{{ name }}</a></li>{% endfor %}</ol>

<h2 id="fiches">Fiches communales</h2>
<p>Pour chaque commune, ses indicateurs à leur dernier millésime, son rang parmi les communes de l'agglomération
(1 = la situation la plus favorable ; les valeurs fragiles ne sont pas classées) et les valeurs de l'agglomération, du Nord et de la région la même année.</p>
{% for code, name, population in communes %}{% set p = pages.get(code, {}) %}
<section class="fiche" id="commune-{{ code }}">
<h3>{{ loop.index }}. {{ name }}</h3>
<p>{{ fr(population, 0) }} habitants (2022).
{% if p.score is not none %}Score de besoin de rattrapage : <strong>{{ fr(p.score, 1) }}</strong> sur 100 ({{ p.rank }}<sup>{{ "er" if p.rank == 1 else "e" }}</sup> besoin le plus fort sur {{ p.of }} communes).
{% else %}Score de besoin de rattrapage : non calculé (moins de quatre indicateurs disponibles).{% endif %}
<a href="#carte">Retour à la carte</a></p>
<table><thead><tr><th>Indicateur</th><th>Année</th><th>Commune</th><th>Rang dans l'agglomération</th><th>Agglomération</th><th>Nord</th><th>Hauts-de-France</th></tr></thead><tbody>
{% for r in p.rows %}<tr{% if r.quality_flag in fragile %} class="fragile"{% endif %}><td>{% if r.source_url %}<a href="{{ r.source_url }}">{{ r.label_fr }}</a>{% else %}{{ r.label_fr }}{% endif %} <small>({{ r.unit }})</small></td><td class="n">{{ r.year }}</td>
<td class="n">{{ page_num(r, r.value) }}</td><td class="n">{% if r.rank_in_epci %}{{ r.rank_in_epci }}/{{ r.ranked_communes }}{% else %}—{% endif %}</td>
<td class="n">{{ page_num(r, r.epci) }}</td><td class="n">{{ page_num(r, r.departement) }}</td><td class="n">{{ page_num(r, r.region) }}</td></tr>
{% endfor %}</tbody></table>
</section>
{% endfor %}

<h2 id="sources">Sources et méthode</h2>
<ul>
<li>Les taux de l'agglomération, du Nord et des Hauts-de-France sont recalculés à partir des sommes communales de numérateurs et de dénominateurs, jamais moyennés ; une médiane n'est jamais calculée à partir de médianes communales.</li>
<li>Le secret statistique laisse des valeurs manquantes : elles restent manquantes, jamais remplacées par zéro ni estimées.</li>
<li>L'INSEE déconseille de comparer des recensements distants de moins de cinq ans : ces évolutions ne sont pas calculées.</li>
<li>Les valeurs grisées reposent sur de petits effectifs, une couverture communale partielle ou des données en partie secrétisées : elles sont fragiles et ne sont pas classées.</li>
<li>Toutes les données ont passé les contrôles de qualité automatiques avant publication ; l'empreinte de chaque fichier permet de vérifier qu'il n'a pas changé.</li>
</ul>
<table><thead><tr><th>Producteur et jeu de données</th><th>Fichier utilisé</th><th>Empreinte (sha256)</th></tr></thead><tbody>
{% for d, o, s, label, page in sources %}<tr><td>{% if page %}<a href="{{ page }}">{{ label }}</a>{% else %}{{ label }}{% endif %}</td><td><code>{{ o | basename }}</code></td><td><code>{{ s[:16] }}…</code></td></tr>{% endfor %}
</tbody></table>

<h2 id="glossaire">Glossaire</h2>
<dl class="glossaire">{% for key, (term, text) in glossary.items() %}<dt id="glossaire-{{ key }}">{{ term }}</dt><dd>{{ text }}</dd>{% endfor %}</dl>
</body>
</html>
"""


def render(context: dict) -> str:
    env = Environment(autoescape=True)
    env.filters["css"] = lambda t: {"amélioration": "amelioration", "dégradation": "degradation"}.get(t or "", "")
    env.filters["arrow"] = lambda t: ARROWS.get(t or "", "")
    env.filters["basename"] = lambda o: str(o).replace("\\", "/").split("/")[-1]
    grid: dict[str, dict] = {}  # engagement -> criterion -> its block (text once, indicators, panel columns)
    for row in context["barometer"]:
        block = grid.setdefault(row["engagement"], {}).setdefault(row["criterion_id"], {
            "id": row["criterion_id"], "label": row["criterion_label"], "rows": [],
            "panel": {k: row.get(k) for k in PANEL_COLUMNS}})
        block["rows"].append(row)
    env.filters["track"] = lambda r: ("sans niveau d'ambition" if r.get("on_track") is None else
                                      "▲ sur la trajectoire" if r["on_track"] else "▼ en retard sur la trajectoire")
    env.filters["track_css"] = lambda r: {True: "amelioration", False: "degradation"}.get(r.get("on_track"), "")
    env.filters["date_fr"] = lambda d: f"{d:%d/%m/%Y}" if d is not None else "—"
    roadmap_by_criterion: dict[str, list] = {}
    for r in context.get("roadmap", []):
        roadmap_by_criterion.setdefault(r["criterion_id"], []).append(r)
    numbers = {code: i for i, (code, _, _) in enumerate(context["communes"], start=1)}

    def num(r, value):
        return fr(value, digits_for(r.get("kind"), r.get("unit")))

    def map_fmt(m):
        return lambda v: fr(v, digits_for(m["kind"], m["unit"]))

    return env.from_string(TEMPLATE).render(
        **context, fr=fr, num=num, page_num=num, qty=quantity, natures=EPCI_NATURES, roadmap_by_criterion=roadmap_by_criterion, fragile=FRAGILE, glossary=GLOSSARY,
        grid=sorted((e, list(c.values())) for e, c in grid.items()), engagement_labels=ENGAGEMENTS,
        summary=summary(context["barometer"]), published_on=f"{date.today():%d/%m/%Y}",
        bars=lambda r: Markup(report_charts.bars_t_t1(r["value_t"], r["value_t1"], lambda v: num(r, v))),
        commune_chart=Markup(report_charts.commune_chart(context["maps"][0], map_fmt(context["maps"][0]))),
        map_svg=lambda m: Markup(report_charts.choropleth(m, context["contours"], numbers, map_fmt(m))),
    )

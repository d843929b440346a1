"""report.html: the barometer as officials and the panel read it, in French, readable offline.

Everything is inline (CSS, SVG charts, SVG map): no script, no font, no image from the network.
"""

from __future__ import annotations

import html
import json
import math
from datetime import date

import duckdb
from jinja2 import Environment

from ingest import settings

MAP_INDICATOR = "taux_chomage_15_64"  # the indicator the map and the commune chart show
PALETTE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]


def fr(value, digits: int | None = None) -> str:
    """French number format: thin-space thousands, decimal comma; a dash for a missing value.
    Without `digits`, the precision follows the magnitude (an index 0,290; a rate 17,6; a count 43 102)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if digits is None:
        digits = 0 if value == 0 else 3 if abs(value) < 1 else 1 if abs(value) < 1000 else 0
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


def gather(con: duckdb.DuckDBPyConnection, cycle: int) -> dict:
    barometer = con.execute("SELECT b.*, d.kind FROM marts.barometer b LEFT JOIN marts.dim_indicator d USING (indicator_id) "
                            "WHERE b.cycle = ? ORDER BY b.engagement, b.criterion_id, b.indicator_id NULLS FIRST",
                            [cycle]).df()
    for col in ("annee_t", "annee_t1", "polarity"):
        barometer[col] = barometer[col].astype("Int64")
    barometer = barometer.astype(object).where(barometer.notna(), None)
    label, unit, year = con.execute(
        "SELECT label_fr, unit, (SELECT max(year) FROM marts.fct_indicator_value WHERE indicator_id = ? "
        "AND territory_level = 'commune' AND value IS NOT NULL) FROM marts.dim_indicator WHERE indicator_id = ?",
        [MAP_INDICATOR, MAP_INDICATOR]).fetchone()
    communes = con.execute(
        "SELECT d.commune_code, d.commune_name, f.value FROM marts.dim_commune d LEFT JOIN marts.fct_indicator_value f "
        "ON f.territory_code = d.commune_code AND f.territory_level = 'commune' AND f.indicator_id = ? AND f.year = ? "
        "ORDER BY f.value DESC NULLS LAST, d.commune_code", [MAP_INDICATOR, year]).fetchall()
    refs = con.execute(
        "SELECT territory_level, value, basis FROM marts.fct_indicator_value WHERE indicator_id = ? AND year = ? "
        "AND territory_level IN ('epci', 'departement', 'region', 'france') AND value IS NOT NULL "
        "ORDER BY territory_level, basis", [MAP_INDICATOR, year]).fetchall()
    sources = con.execute("SELECT DISTINCT dataset, origin, sha256 FROM audit.raw_batches WHERE status = 'promoted' "
                          "ORDER BY dataset").fetchall()
    from orchestration.publication import previous_publication

    previous = previous_publication(cycle)
    contours = json.loads((settings.snapshot_dir() / "communes_caph_contours_2018.geojson").read_text(encoding="utf-8")) \
        if (settings.snapshot_dir() / "communes_caph_contours_2018.geojson").exists() else \
        json.loads((settings.EMBEDDED_DIR / "communes_caph_contours_2018.geojson").read_text(encoding="utf-8"))
    return {
        "cycle": cycle, "territory": settings.territory(), "barometer": barometer.to_dict("records"),
        "map": {"indicator": MAP_INDICATOR, "label": label, "unit": unit, "year": year,
                "communes": communes, "refs": {lvl: v for lvl, v, _ in refs}},
        "contours": contours, "sources": sources, "previous": previous.name if previous else None,
    }


def summary(rows: list[dict]) -> dict[str, list[str]]:
    """The first page, generated from the grid: what progresses, what falls behind (against T-1, or
    far below the Nord), the targets, and what remains to be measured. Every sentence carries its
    figure and year; a fragile value (small numbers, partial, minimum) is left out of the verdicts."""
    solid = [r for r in rows if r.get("indicator_id") and r.get("valeur_t") is not None
             and r.get("qualite_t") not in ("small_numbers", "partial", "minimum")]

    def figure(value, unit) -> str:
        return fr(value) if not unit or unit.startswith("indice") else f"{fr(value)} {unit}"

    def change(r) -> str:
        return (f"{r['indicator_label']} : {figure(r['valeur_t'], r['unit'])} en {r['annee_t']}, "
                f"contre {figure(r['valeur_t1'], r['unit'])} en {r['annee_t1']}.")

    progress = [change(r) for r in solid if r.get("tendance") == "amélioration"]
    behind = [change(r) for r in solid if r.get("tendance") == "dégradation"]
    # the three largest unfavourable gaps to the Nord (rates and indices only: a count of the EPCI is not
    # comparable with the Nord's), same year, relative to the Nord's value
    gaps = sorted(((r["valeur_t"] - r["valeur_departement"]) * r["polarity"] / abs(r["valeur_departement"]), i, r)
                  for i, r in enumerate(solid) if r.get("valeur_departement") and r.get("polarity")
                  and r.get("kind") != "count")
    behind += [f"{r['indicator_label']} : {figure(r['valeur_t'], r['unit'])} en {r['annee_t']}, "
               f"contre {figure(r['valeur_departement'], r['unit'])} pour le Nord."
               for gap, _, r in gaps[:3] if gap < -0.1]
    targets = [f"{r['indicator_label']} : {figure(r['valeur_t'], r['unit'])} en {r['annee_t']}, pour "
               f"{figure(r['valeur_trajectoire'], r['unit'])} sur la trajectoire vers l'objectif de "
               f"{figure(r['valeur_cible'], r['unit'])} en {r['annee_cible']}."
               for r in solid if r.get("valeur_trajectoire") is not None and r.get("valeur_cible") is not None
               and r.get("ecart_trajectoire") not in (None, 0)]
    seen, to_measure = set(), []
    for r in rows:
        if not r.get("indicator_id") and r["criterion_id"] not in seen:
            seen.add(r["criterion_id"])
            to_measure.append(f"{r['criterion_label']} : {r.get('source_qui_servirait') or 'appréciation du panel'}.")
    return {"progress": progress, "behind": behind, "targets": targets, "to_measure": to_measure}


def bars_t_t1(t, t1) -> str:
    """Two bars, T and T-1, scaled to the larger of the two."""
    if t is None or t1 is None or (isinstance(t1, float) and math.isnan(t1)):
        return ""
    top = max(abs(t), abs(t1)) or 1
    w = lambda v: 120 * abs(v) / top
    return (f'<svg class="tt1" width="130" height="26" role="img" aria-label="T {fr(t)} ; T-1 {fr(t1)}">'
            f'<rect x="0" y="2" width="{w(t):.1f}" height="10" fill="#2c7fb8"/>'
            f'<rect x="0" y="14" width="{w(t1):.1f}" height="10" fill="#a6bddb"/></svg>')


def commune_chart(m: dict) -> str:
    rows = [(n, v) for _, n, v in m["communes"] if v is not None]
    if not rows:
        return "<p>Aucune valeur communale.</p>"
    top = max(v for _, v in rows + [(None, x) for x in m["refs"].values()])
    left, width, step = 190, 420, 14
    height = step * len(rows) + 40
    x = lambda v: left + width * v / top
    out = [f'<svg class="communes" width="{left + width + 220}" height="{height}" role="img" '
           f'aria-label="{html.escape(m["label"])} par commune">']
    for i, (name, v) in enumerate(rows):
        y = 20 + i * step
        out.append(f'<text x="{left - 6}" y="{y + 10}" text-anchor="end">{html.escape(name)}</text>'
                   f'<rect x="{left}" y="{y + 2}" width="{x(v) - left:.1f}" height="10" fill="#2c7fb8"/>'
                   f'<text x="{x(v) + 4:.1f}" y="{y + 10}">{fr(v)}</text>')
    names = {"epci": "Porte du Hainaut", "departement": "Nord", "region": "Hauts-de-France", "france": "France"}
    colours = {"epci": "#000", "departement": "#d95f0e", "region": "#31a354", "france": "#756bb1"}
    for i, (lvl, v) in enumerate(m["refs"].items()):
        out.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="14" y2="{height - 8}" stroke="{colours[lvl]}" '
                   f'stroke-dasharray="4 3"/><text x="{left + width + 60}" y="{30 + 16 * i}" fill="{colours[lvl]}">'
                   f'{names[lvl]} : {fr(v)}</text>')
    out.append("</svg>")
    return "".join(out)


def choropleth(m: dict, contours: dict) -> str:
    """An SVG map of the communes, equirectangular with cos(latitude), quantile classes."""
    values = {c: v for c, _, v in m["communes"]}
    known = sorted(v for v in values.values() if v is not None)
    breaks = [known[min(len(known) - 1, int(len(known) * q / 5))] for q in range(1, 5)] if known else []
    coords = [pt for f in contours["features"] for ring in f["geometry"]["coordinates"] for pt in ring]
    lon0, lon1 = min(p[0] for p in coords), max(p[0] for p in coords)
    lat0, lat1 = min(p[1] for p in coords), max(p[1] for p in coords)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    scale = 560 / ((lon1 - lon0) * k)
    height = (lat1 - lat0) * scale
    proj = lambda p: f"{(p[0] - lon0) * k * scale:.1f},{(lat1 - p[1]) * scale:.1f}"
    out = [f'<svg class="carte" width="760" height="{height + 10:.0f}" viewBox="0 0 760 {height + 10:.0f}" role="img" '
           f'aria-label="Carte : {html.escape(m["label"])}">']
    for f in contours["features"]:
        code, v = f["properties"]["code"], values.get(f["properties"]["code"])
        cls = sum(1 for b in breaks if v is not None and v > b)
        fill = PALETTE[cls] if v is not None else "#ddd"
        d = " ".join("M" + " L".join(proj(p) for p in ring) + " Z" for ring in f["geometry"]["coordinates"])
        name = next((n for c, n, _ in m["communes"] if c == code), f["properties"]["nom"])
        out.append(f'<path d="{d}" fill="{fill}" stroke="#555" stroke-width="0.6"><title>{html.escape(name)} : '
                   f'{fr(v)}</title></path>')
    edges = [known[0]] + breaks + [known[-1]] if known else []
    for i in range(len(edges) - 1):
        out.append(f'<rect x="590" y="{20 + 22 * i}" width="18" height="16" fill="{PALETTE[i]}" stroke="#555"/>'
                   f'<text x="614" y="{33 + 22 * i}">{fr(edges[i])} – {fr(edges[i + 1])}</text>')
    out.append(f'<rect x="590" y="{20 + 22 * 5}" width="18" height="16" fill="#ddd" stroke="#555"/>'
               f'<text x="614" y="{33 + 22 * 5}">non disponible</text></svg>')
    return "".join(out)


TEMPLATE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Baromètre du Projet de Territoire — cycle {{ cycle }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1500px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #2c7fb8; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: .3rem .4rem; vertical-align: top; }
th { background: #eef3f8; text-align: left; } td.n { text-align: right; white-space: nowrap; }
table.grille { table-layout: fixed; } col.ind { width: 30%; } col.num { width: 8%; } col.evo { width: 17%; } col.cible { width: 13%; }
tr.crit th { background: #dbe7f3; font-size: .95rem; } tr.panelrow td { background: #fafafa; color: #444; font-size: .8rem; }
td { overflow-wrap: anywhere; }
@media print { body { max-width: none; margin: 0; font-size: 10pt; } h2 { break-before: page; } h2#resume { break-before: auto; }
  tbody.critere { break-inside: avoid; } .amelioration, .degradation { color: #000; } }
.amelioration { color: #1a7f37; font-weight: 600; } .degradation { color: #b30000; font-weight: 600; }
.panel { color: #666; font-style: italic; } svg text { font-size: 11px; }
tr.fragile td.n { color: #888; background: #f4f4f4; }
.legend span { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 12px; }
</style>
</head>
<body>
<h1>Baromètre du Projet de Territoire 2024-2044 — Communauté d'agglomération de La Porte du Hainaut</h1>
<p>Cycle <strong>{{ cycle }}</strong> · {{ communes }} communes · publié le {{ published_on }} · situation T comparée au baromètre T-1
{% if previous %}(baromètre publié {{ previous }}){% else %}(aucun baromètre publié auparavant : T-1 est la valeur précédente de la même source){% endif %}.</p>

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
Les quatre colonnes qualitatives sont renseignées par le panel.</p>
{% for engagement, criteria in grid %}
<h3>{{ engagement_labels.get(engagement, engagement) }}</h3>
<table class="grille">
<colgroup><col class="ind"><col class="num"><col class="num"><col class="evo"><col class="num"><col class="num"><col class="num"><col class="cible"></colgroup>
<thead><tr><th>Indicateur</th><th>Situation T</th><th>Baromètre T-1</th><th>Évolution</th>
<th>Nord</th><th>Hauts-de-France</th><th>France</th><th>Cible</th></tr></thead>
{% for c in criteria %}<tbody class="critere">
<tr class="crit"><th colspan="8" scope="colgroup">{{ c.id }} — {{ c.label }}</th></tr>
{% for r in c.rows %}<tr{% if r.qualite_t in ("small_numbers", "partial", "minimum") %} class="fragile"{% endif %}>
<td>{% if r.indicator_id %}{{ r.indicator_label }} <small>({{ r.unit }})</small>{% else %}<span class="panel">à renseigner par le panel</span>{% endif %}{% if r.note %}<br><small>{{ r.note }}</small>{% endif %}{% if r.mesure_manquante and r.indicator_id and loop.first %}<br><small class="panel">Non mesuré : {{ r.mesure_manquante }} — source qui servirait : {{ r.source_qui_servirait }}.</small>{% endif %}</td>
<td class="n">{{ fr(r.valeur_t) }}{% if r.annee_t %}<br><small>{{ r.annee_t }}</small>{% endif %}</td>
<td class="n">{{ fr(r.valeur_t1) }}{% if r.annee_t1 %}<br><small>{{ r.annee_t1 }}</small>{% endif %}</td>
<td class="{{ r.tendance | css }}">{{ r.tendance | arrow }} {{ r.tendance }}{% if r.evolution is not none %} ({{ "+" if r.evolution > 0 else "" }}{{ fr(r.evolution) }}){% endif %}<br>{{ bars(r.valeur_t, r.valeur_t1) }}</td>
<td class="n">{{ fr(r.valeur_departement) }}</td><td class="n">{{ fr(r.valeur_region) }}</td><td class="n">{{ fr(r.valeur_france) }}</td>
<td>{% if r.cible %}{{ r.cible }}{% endif %}</td>
</tr>{% endfor %}
<tr class="panelrow"><td colspan="8"><strong>Grille du panel</strong> —
Impacts imputables au PDT : {{ c.panel.impacts_imputables_pdt or "à renseigner" }} ·
Acquis consolidés : {{ c.panel.acquis_consolides or "à renseigner" }} ·
Difficultés, retards, échecs : {{ c.panel.difficultes_retards_echecs or "à renseigner" }} ·
Objectifs d'amélioration : {{ c.panel.objectifs_amelioration or "à renseigner" }}</td></tr>
</tbody>{% endfor %}
</table>
{% endfor %}

<h2 id="communes">Les communes face aux territoires de comparaison</h2>
<p>{{ map.label }} ({{ map.unit }}), {{ map.year }}. Les traits verticaux donnent la valeur de l'agglomération,
du Nord, des Hauts-de-France et de la France lorsqu'elle existe pour la même année.</p>
{{ commune_chart }}

<h2 id="carte">Carte des communes</h2>
<p>{{ map.label }}, {{ map.year }} : cinq classes d'effectifs égaux (quintiles). Contours IGN Admin Express COG 2018 simplifiés.</p>
{{ choropleth }}

<h2 id="sources">Sources et méthode</h2>
<ul>
<li>INSEE : recensement de la population (RP2012 à RP2023) via la base du comparateur de territoires, le dossier complet et Melodi (diplômes, activité, navettes) ; Filosofi 2019 et 2021 ; BPE 2024 ; géographie au 1er janvier 2022.</li>
<li>Énergie et climat : Agence ORE (consommations 2024), ODRÉ / RTE (registre des installations de production), Cerema (consommation d'espaces 2011-2024), Agreste (recensement agricole 2020), fichiers nationaux des bornes de recharge et des aires de covoiturage, ADEME (diagnostics de performance énergétique), chiffres publiés du plan climat.</li>
<li>Cadre de vie : CAF (allocataires), SSMSI (faits enregistrés), DREES (accessibilité aux médecins généralistes), CNAF (accueil du jeune enfant), ministère de l'Intérieur (municipales 2026).</li>
<li>Les valeurs grisées reposent sur de petits effectifs, une couverture communale partielle ou des données en partie secrétisées : elles sont fragiles et ne sont pas classées.</li>
<li>Les taux de l'agglomération, du Nord et des Hauts-de-France sont recalculés à partir des sommes communales de numérateurs et de dénominateurs, jamais moyennés ; une médiane n'est jamais calculée à partir de médianes communales.</li>
<li>Le secret statistique de l'INSEE laisse des valeurs manquantes : elles restent manquantes, jamais remplacées par zéro ni estimées.</li>
<li>L'INSEE déconseille de comparer des recensements distants de moins de 5 ans : ces évolutions ne sont pas calculées.</li>
<li>Toutes les données ont passé les contrôles de qualité (great-expectations et tests dbt) avant publication.</li>
</ul>
<table><thead><tr><th>Jeu de données</th><th>Origine</th><th>Empreinte sha256</th></tr></thead><tbody>
{% for d, o, s in sources %}<tr><td>{{ d }}</td><td><code>{{ o | basename }}</code></td><td><code>{{ s[:16] }}…</code></td></tr>{% endfor %}
</tbody></table>
</body>
</html>
"""

PANEL_COLUMNS = ("impacts_imputables_pdt", "acquis_consolides", "difficultes_retards_echecs", "objectifs_amelioration")
# shapes that read in black and white too; the word is always written beside
ARROWS = {"amélioration": "▲", "dégradation": "▼", "stable": "=", "sans polarité": "↔"}

ENGAGEMENTS = {
    "E1": "Engagement 1 — Rattraper les retards de développement",
    "E2": "Engagement 2 — Faire face collectivement aux enjeux globaux (PCAET)",
    "E3": "Engagement 3 — Accompagner les conversions et la résilience",
    "Transversal": "Ambitions transversales — Vivre ensemble, expérimenter et coopérer",
}


def render(context: dict) -> str:
    env = Environment(autoescape=True)
    env.filters["css"] = lambda t: {"amélioration": "amelioration", "dégradation": "degradation"}.get(t or "", "")
    env.filters["arrow"] = lambda t: ARROWS.get(t or "", "")
    env.filters["basename"] = lambda o: str(o).replace("\\\\", "/").split("/")[-1]
    grid: dict[str, dict] = {}  # engagement -> criterion -> its block (text once, indicators, panel columns)
    for row in context["barometer"]:
        block = grid.setdefault(row["engagement"], {}).setdefault(row["criterion_id"], {
            "id": row["criterion_id"], "label": row["criterion_label"], "rows": [],
            "panel": {k: row.get(k) for k in PANEL_COLUMNS}})
        block["rows"].append(row)
    from markupsafe import Markup

    return env.from_string(TEMPLATE).render(
        **context, fr=fr, grid=sorted((e, list(c.values())) for e, c in grid.items()), engagement_labels=ENGAGEMENTS,
        summary=summary(context["barometer"]), communes=len(context["map"]["communes"]),
        published_on=f"{date.today():%d/%m/%Y}",
        bars=lambda t, t1: Markup(bars_t_t1(t, t1)),
        commune_chart=Markup(commune_chart(context["map"])),
        choropleth=Markup(choropleth(context["map"], context["contours"])),
    )

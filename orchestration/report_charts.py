"""The report's inline SVG charts: T/T-1 bars, the commune bar chart and the numbered commune map.

Plain SVG strings, no script and nothing fetched: the report must read offline and print.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

PALETTE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
REF_NAMES = {"epci": "Porte du Hainaut", "departement": "Nord", "region": "Hauts-de-France", "france": "France"}
REF_COLOURS = {"epci": "#000", "departement": "#d95f0e", "region": "#31a354", "france": "#756bb1"}


def bars_t_t1(t, t1, fmt: Callable) -> str:
    """Two bars, T and T-1, scaled to the larger of the two."""
    if t is None or t1 is None or (isinstance(t1, float) and math.isnan(t1)):
        return ""
    top = max(abs(t), abs(t1)) or 1
    w = lambda v: 120 * abs(v) / top
    return (f'<svg class="tt1" width="130" height="26" role="img" aria-label="T {fmt(t)} ; T-1 {fmt(t1)}">'
            f'<rect x="0" y="2" width="{w(t):.1f}" height="10" fill="#2c7fb8"/>'
            f'<rect x="0" y="14" width="{w(t1):.1f}" height="10" fill="#a6bddb"/></svg>')


def commune_chart(m: dict, fmt: Callable) -> str:
    """Horizontal bars, one per commune, with the EPCI, Nord, region and France as dashed lines."""
    rows = sorted(((m["names"][c], v) for c, v in m["values"].items() if v is not None), key=lambda r: -r[1])
    if not rows:
        return "<p>Aucune valeur communale.</p>"
    top = max([v for _, v in rows] + list(m["refs"].values()))
    left, width, step = 190, 420, 14
    height = step * len(rows) + 40
    x = lambda v: left + width * v / top
    out = [f'<svg class="communes" width="{left + width + 220}" height="{height}" role="img" '
           f'aria-label="{html.escape(m["label"])} par commune, {m["year"]}">']
    for i, (name, v) in enumerate(rows):
        y = 20 + i * step
        out.append(f'<text x="{left - 6}" y="{y + 10}" text-anchor="end">{html.escape(name)}</text>'
                   f'<rect x="{left}" y="{y + 2}" width="{x(v) - left:.1f}" height="10" fill="#2c7fb8"/>'
                   f'<text x="{x(v) + 4:.1f}" y="{y + 10}">{fmt(v)}</text>')
    for i, (lvl, v) in enumerate(m["refs"].items()):
        out.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="14" y2="{height - 8}" stroke="{REF_COLOURS[lvl]}" '
                   f'stroke-dasharray="4 3"/><text x="{left + width + 60}" y="{30 + 16 * i}" '
                   f'fill="{REF_COLOURS[lvl]}">{REF_NAMES[lvl]} : {fmt(v)}</text>')
    out.append("</svg>")
    return "".join(out)


def _centroid(ring: list) -> tuple[float, float]:
    """Area centroid of a ring (shoelace); the mean of its points if it is degenerate."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a, cx, cy = a + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
    if abs(a) < 1e-12:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * a), cy / (3 * a)


def choropleth(m: dict, contours: dict, numbers: dict[str, int], fmt: Callable) -> str:
    """A map of the communes (equirectangular with cos(latitude)), five quantile classes, each commune
    numbered at its centroid (the numbers match the list of names beside the map) and linked to its page."""
    values = m["values"]
    known = sorted(v for v in values.values() if v is not None)
    breaks = [known[min(len(known) - 1, int(len(known) * q / 5))] for q in range(1, 5)] if known else []
    coords = [pt for f in contours["features"] for ring in f["geometry"]["coordinates"] for pt in ring]
    lon0, lon1 = min(p[0] for p in coords), max(p[0] for p in coords)
    lat0, lat1 = min(p[1] for p in coords), max(p[1] for p in coords)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    scale = 560 / ((lon1 - lon0) * k)
    height = (lat1 - lat0) * scale
    px = lambda p: ((p[0] - lon0) * k * scale, (lat1 - p[1]) * scale)
    unit = f" ({m['unit']})" if m["unit"] else ""
    # the darkest class is always the least favourable one: high values for an indicator where lower is
    # better (unemployment), low values where higher is better (IDH-4, living standard)
    shade = (lambda c: 4 - c) if (m.get("polarity") or 0) > 0 else (lambda c: c)
    out = [f'<svg class="carte" width="780" height="{max(height, 200) + 10:.0f}" '
           f'viewBox="0 0 780 {max(height, 200) + 10:.0f}" role="img" '
           f'aria-label="Carte des communes : {html.escape(m["label"])}{html.escape(unit)}, {m["year"]}">']
    labels = []
    for f in contours["features"]:
        code = f["properties"]["code"]
        v = values.get(code)
        cls = sum(1 for b in breaks if v is not None and v > b)
        fill = PALETTE[shade(cls)] if v is not None else "#ddd"
        rings = f["geometry"]["coordinates"]
        d = " ".join("M" + " L".join("{:.1f},{:.1f}".format(*px(p)) for p in ring) + " Z" for ring in rings)
        name = m["names"].get(code, f["properties"]["nom"])
        out.append(f'<a href="#commune-{code}"><path d="{d}" fill="{fill}" stroke="#555" stroke-width="0.6">'
                   f'<title>{numbers.get(code, "")}. {html.escape(name)} : {fmt(v)}</title></path></a>')
        if code in numbers:
            x, y = px(_centroid(max(rings, key=len)))
            labels.append(f'<text class="num" x="{x:.1f}" y="{y + 3:.1f}" text-anchor="middle">{numbers[code]}</text>')
    out.extend(labels)
    edges = [known[0]] + breaks + [known[-1]] if known else []
    out.append(f'<text x="590" y="12" font-weight="bold">{html.escape(m["short"])}</text>'
               f'<text x="590" y="27">{html.escape(m["unit"] or "valeur")}, {m["year"]}</text>')
    for i in range(len(edges) - 1):
        out.append(f'<rect x="590" y="{36 + 22 * i}" width="18" height="16" fill="{PALETTE[shade(i)]}" stroke="#555"/>'
                   f'<text x="614" y="{49 + 22 * i}">{fmt(edges[i])} – {fmt(edges[i + 1])}</text>')
    out.append(f'<rect x="590" y="{36 + 22 * 5}" width="18" height="16" fill="#ddd" stroke="#555"/>'
               f'<text x="614" y="{49 + 22 * 5}">non disponible</text>'
               f'<text x="590" y="{49 + 22 * 6}">foncé = moins favorable</text></svg>')
    return "".join(out)

"""Write the templates the services fill (ingest/templates/): empty workbooks, their CSV equivalents,
and a filled example for two engagements of the plan.

The example's figures are invented to show how to fill the template: every service, source and
decision of the example says EXEMPLE, and the marts and the report label such rows "exemple fictif".
Run `python -m ingest.roadmap_templates` after changing a sheet in ingest/roadmaps.py.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from ingest.roadmaps import BUDGET, DECISIONS, KINDS, MILESTONES, README_SHEET, ROADMAP, VALUES, Sheet

TEMPLATES = Path(__file__).parent / "templates"
SERVICE = "Service exemple — cohésion et transition (EXEMPLE)"
SOURCE = "EXEMPLE fictif — à remplacer par la source du service"
QUESTION = ("En quoi l'action publique locale a-t-elle favorisé l'insertion professionnelle des jeunes actifs "
            "résidents au cours des dernières années ?")  # the plan's own example of an evaluative question

EXAMPLE: dict[str, list[tuple]] = {
    # E1 (rattraper les retards, criterion GOV3) follows the plan's own example of the three kinds of
    # indicators; E2 (enjeux globaux, criterion CDV1 / ENV3) follows housing energy renovation.
    ROADMAP.name: [
        (SERVICE, "E1", "A1", "GOV3", "Former les jeunes de 16 à 18 ans sans solution", "EX_JEUNES_FORMES",
         "Jeunes de 16 à 18 ans formés dans l'année", "réalisation", "jeunes", 1, 2024, 120, None, None, None),
        (SERVICE, "E1", "A1", "GOV3", "Former les jeunes de 16 à 18 ans sans solution", "EX_PART_16_18_FORMES",
         "Part des 16-18 ans formés", "résultat", "%", 1, 2024, 4, 10, 2030, None),
        (SERVICE, "E1", "A1", "GOV3", "Former les jeunes de 16 à 18 ans sans solution", "EX_PART_DIPLOMES_16_18",
         "Part des diplômés parmi les 16-18 ans", "impact", "%", 1, 2024, 60, None, None, QUESTION),
        (SERVICE, "E2", None, "CDV1", "Accompagner la rénovation énergétique des logements", "EX_LOGEMENTS_RENOVES",
         "Logements rénovés avec l'accompagnement de l'agglomération", "réalisation", "logements", 1, 2024, 300,
         None, None, None),
        (SERVICE, "E2", None, "ENV3", "Accompagner la rénovation énergétique des logements", "EX_CONSO_RESIDENTIEL",
         "Consommation d'énergie des logements accompagnés", "résultat", "MWh par logement", -1, 2024, 18, 12, 2030,
         "En quoi l'accompagnement a-t-il réduit la facture énergétique des ménages modestes ?"),
    ],
    VALUES.name: [
        ("EX_JEUNES_FORMES", 2024, 120, SOURCE, None), ("EX_JEUNES_FORMES", 2025, 150, SOURCE, None),
        ("EX_PART_16_18_FORMES", 2024, 4, SOURCE, None), ("EX_PART_16_18_FORMES", 2025, 4.8, SOURCE, "exemple"),
        ("EX_PART_DIPLOMES_16_18", 2024, 60, SOURCE, None),
        ("EX_LOGEMENTS_RENOVES", 2024, 300, SOURCE, None), ("EX_LOGEMENTS_RENOVES", 2025, 340, SOURCE, None),
        ("EX_CONSO_RESIDENTIEL", 2024, 18, SOURCE, None), ("EX_CONSO_RESIDENTIEL", 2025, 17.5, SOURCE, None),
    ],
    MILESTONES.name: [
        ("Former les jeunes de 16 à 18 ans sans solution", "Ouverture de la plateforme d'orientation (EXEMPLE)",
         date(2025, 9, 1), "atteint", date(2025, 10, 15)),
        ("Accompagner la rénovation énergétique des logements", "Lancement de l'appel à projets (EXEMPLE)",
         date(2026, 3, 31), "en cours", None),
        ("Accompagner la rénovation énergétique des logements", "Bilan à mi-parcours (EXEMPLE)",
         date(2027, 6, 30), "à venir", None),
    ],
    BUDGET.name: [
        (SERVICE, "2", "Formation des jeunes (EXEMPLE)", "E1", 2025, 250000),
        (SERVICE, "5", "Aides à la rénovation énergétique (EXEMPLE)", "E2", 2025, 1200000),
        (SERVICE, "5", "Aides à la rénovation énergétique (EXEMPLE)", "E2", 2026, 1350000),
    ],
    DECISIONS.name: [
        (date(2025, 3, 24), "EXEMPLE-2025-012", "Plateforme d'orientation des 16-18 ans (EXEMPLE)", "E1"),
        (date(2025, 6, 30), "EXEMPLE-2025-047", "Règlement des aides à la rénovation énergétique (EXEMPLE)", "E2"),
    ],
}

README = {
    "roadmap": ["Feuille de route d'un service : une ligne par indicateur (onglet feuille_de_route), ses valeurs "
                "annuelles (onglet valeurs) et les jalons de ses actions (onglet jalons).",
                "Un indicateur de résultat porte un niveau d'ambition (valeur et année) ; le baromètre trace la "
                "ligne droite de la valeur de référence à l'ambition et dit si l'indicateur est sur la trajectoire.",
                "Ne fusionnez pas de cellules, ne renommez pas les onglets, tapez des nombres dans les colonnes de "
                "nombres. Déposez le classeur dans inbox/roadmaps/ ou lancez : barometre roadmaps add FICHIER."],
    "budget": ["Crédits affectés au Projet de Territoire : une ligne par code fonctionnel (M57), engagement et "
               "exercice, montant en euros."],
    "decisions": ["Délibérations du Conseil communautaire : une ligne par délibération, avec l'engagement du "
                  "Projet de Territoire qu'elle sert."],
}
NAMES = {"roadmap": "feuille_de_route", "budget": "budget", "decisions": "deliberations"}


def write_workbook(path: Path, kind: str, example: bool) -> None:
    """One template workbook (with the example rows when `example`), headers bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.active.title = README_SHEET
    for line in README[kind] + (["Les chiffres de cet exemple sont fictifs (EXEMPLE) : ils montrent comment "
                                 "remplir le modèle, pas les résultats du territoire."] if example else []):
        wb.active.append([line])
    for sheet in KINDS[kind]:
        ws = wb.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in EXAMPLE[sheet.name] if example else []:
            ws.append(list(row))
            for cell, col in zip(ws[ws.max_row], sheet.columns, strict=True):
                if col.type == "date" and cell.value is not None:
                    cell.number_format = "DD/MM/YYYY"
        for i, col in enumerate(sheet.columns, 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(14, min(45, len(col.header) + 4))
    wb.save(path)


def write_csv(folder: Path, sheet: Sheet, example: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{sheet.name}.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\n")
        out.writerow([c.header for c in sheet.columns])
        for row in EXAMPLE[sheet.name] if example else []:
            out.writerow(["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date)
                          else str(v).replace(".", ",") if isinstance(v, float) else v for v in row])


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    for kind, sheets in KINDS.items():
        for example in (False, True):
            stem = f"{'exemple' if example else 'modele'}_{NAMES[kind]}"
            write_workbook(TEMPLATES / f"{stem}.xlsx", kind, example)
            for sheet in sheets:
                write_csv(TEMPLATES / f"{stem}_csv", sheet, example)


if __name__ == "__main__":
    main()

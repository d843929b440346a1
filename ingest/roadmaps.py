"""The services' deliveries: roadmaps (feuilles de route), budget lines and council decisions.

A delivery is an Excel workbook (.xlsx) filled from the template in ingest/templates/, or a folder
of CSV files named after the template's sheets. Reading it checks what a spreadsheet can get
wrong and a table cannot show (a renamed sheet, merged cells, a formula error, a text in a number
column, an empty workbook); every error names the file, sheet, row and column. What the rows must
mean (known engagement and criterion, no year in the future, ...) is the gate's job
(quality/roadmap_gate.py).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ingest.errors import SourceError


@dataclass(frozen=True)
class Col:
    name: str  # column in the warehouse
    header: str  # French header in the template
    type: str  # text | number | year | date
    required: bool = True


@dataclass(frozen=True)
class Sheet:
    name: str  # sheet name in the workbook, and CSV file stem
    table: str  # raw table
    columns: tuple[Col, ...]


ROADMAP = Sheet("feuille_de_route", "roadmap_actions", (
    Col("service", "Service", "text"),
    Col("engagement", "Engagement (E1, E2, E3)", "text"),
    Col("ambition", "Ambition (A1, A2)", "text", False),
    Col("criterion_id", "Critère de la grille", "text"),
    Col("action", "Action", "text"),
    Col("indicator_code", "Code de l'indicateur", "text"),
    Col("indicator_label", "Indicateur", "text"),
    Col("indicator_type", "Type (réalisation, résultat, impact)", "text"),
    Col("unit", "Unité", "text"),
    Col("polarity", "Sens souhaité (1 hausse, -1 baisse)", "number", False),
    Col("baseline_year", "Année de référence", "year", False),
    Col("baseline_value", "Valeur de référence", "number", False),
    Col("ambition_value", "Niveau d'ambition", "number", False),
    Col("ambition_year", "Année de l'ambition", "year", False),
    Col("evaluative_question", "Question évaluative", "text", False),
))
VALUES = Sheet("valeurs", "roadmap_values", (
    Col("indicator_code", "Code de l'indicateur", "text"),
    Col("year", "Année", "year"),
    Col("value", "Valeur", "number"),
    Col("source", "Source", "text"),
    Col("comment", "Commentaire", "text", False),
))
MILESTONES = Sheet("jalons", "roadmap_milestones", (
    Col("action", "Action", "text"),
    Col("milestone", "Jalon", "text"),
    Col("due_date", "Échéance", "date"),
    Col("status", "Statut (à venir, en cours, atteint, abandonné)", "text"),
    Col("reached_date", "Date d'atteinte", "date", False),
))
BUDGET = Sheet("budget", "budget_lines", (
    Col("service", "Service", "text"),
    Col("functional_code", "Code fonctionnel (M57)", "text"),
    Col("label", "Libellé", "text"),
    Col("engagement", "Engagement (E1, E2, E3)", "text"),
    Col("year", "Exercice", "year"),
    Col("amount_eur", "Montant (€)", "number"),
))
DECISIONS = Sheet("deliberations", "council_decisions", (
    Col("decision_date", "Date", "date"),
    Col("decision_number", "Numéro", "text"),
    Col("title", "Objet", "text"),
    Col("engagement", "Engagement (E1, E2, E3)", "text"),
))

# kind of delivery -> its sheets; the service that delivers (its versions replace each other)
KINDS: dict[str, tuple[Sheet, ...]] = {"roadmap": (ROADMAP, VALUES, MILESTONES), "budget": (BUDGET,),
                                       "decisions": (DECISIONS,)}
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
README_SHEET = "lisez-moi"


class DeliveryError(SourceError):
    """A delivery that cannot be read: `where` names the file, sheet, row and column."""


def _norm(text) -> str:
    return unicodedata.normalize("NFC", str(text or "")).strip().casefold()


def _where(file: str, sheet: str, row: int | None = None, header: str | None = None) -> str:
    parts = [f"{file}: sheet '{sheet}'"] + ([f"row {row}"] if row else []) + ([f"column '{header}'"] if header else [])
    return ", ".join(parts)


def parse_cell(value, col: Col, where: str):
    """One cell as its column's type; a text where a number is due is an error, never a NULL."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if col.type == "text":
        return str(value).strip() if not isinstance(value, float) or not value.is_integer() else str(int(value))
    if col.type in ("number", "year"):
        if isinstance(value, bool) or isinstance(value, (datetime, date)):
            raise DeliveryError(where, f"{value!r} is not a number", "type the number itself")
        if isinstance(value, str):
            text = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
            try:
                value = float(text)
            except ValueError:
                raise DeliveryError(where, f"text {value.strip()!r} in a number column",
                                    "type a number (decimal comma or point), or leave the cell empty if the value "
                                    "is unknown") from None
        value = float(value)
        if col.type == "year":
            if not value.is_integer():
                raise DeliveryError(where, f"{value:g} is not a year", "type a year such as 2025")
            return int(value)
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise DeliveryError(where, f"{text!r} is not a date", "type a date (JJ/MM/AAAA)")


def _frame(file: str, sheet: Sheet, header: list, rows: list[tuple[int, list]]) -> pd.DataFrame:
    """Check the header row against the template, then parse every cell of every data row."""
    expected = [c.header for c in sheet.columns]
    got = [str(h).strip() if h is not None else "" for h in header]
    while got and not got[-1]:
        got.pop()
    index = {_norm(h): i for i, h in enumerate(got)}
    missing = [h for h in expected if _norm(h) not in index]
    if missing:
        raise DeliveryError(_where(file, sheet.name), f"header row does not match the template: missing {missing}; "
                            f"found {got}", "use the template's headers (ingest/templates/)")
    records = []
    for row_number, cells in rows:
        record = {"row_number": row_number}
        for col in sheet.columns:
            i = index[_norm(col.header)]
            value = cells[i] if i < len(cells) else None
            record[col.name] = parse_cell(value, col, _where(file, sheet.name, row_number, col.header))
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=["row_number"] + [c.name for c in sheet.columns])
    return frame


def kind_of(file: str, names: list[str]) -> str:
    """The delivery's kind, from its sheet (or CSV) names; a renamed or missing sheet is named."""
    found = {_norm(n) for n in names}
    for kind, sheets in KINDS.items():
        present = [s.name for s in sheets if s.name in found]
        if present:
            absent = [s.name for s in sheets if s.name not in found]
            if absent:
                raise DeliveryError(file, f"sheet(s) {absent} missing (renamed?); found {names}",
                                    f"a {kind} delivery has the sheets {[s.name for s in sheets]}, as in the "
                                    "template: give the sheets back their names")
            return kind
    expected = sorted(s.name for sheets in KINDS.values() for s in sheets)
    raise DeliveryError(file, f"no known sheet; found {names}", f"use a template: its sheets are {expected}")


def read_workbook(path: Path) -> tuple[str, dict[str, pd.DataFrame]]:
    """A template workbook -> (kind, {sheet: frame}). Formula errors, formulas never computed, merged
    cells and an empty workbook are refused with the sheet and cell."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    file = path.name
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DeliveryError(file, f"not a readable .xlsx workbook ({exc})",
                            "save it from Excel or LibreOffice as 'Classeur Excel (.xlsx)'") from exc
    names = [n for n in values.sheetnames if _norm(n) != README_SHEET]
    kind = kind_of(file, names)
    by_norm = {_norm(n): n for n in names}
    frames = {}
    for sheet in KINDS[kind]:
        ws, wf = values[by_norm[sheet.name]], formulas[by_norm[sheet.name]]
        if ws.merged_cells.ranges:
            merged = ", ".join(str(r) for r in list(ws.merged_cells.ranges)[:5])
            raise DeliveryError(_where(file, sheet.name), f"merged cells ({merged})",
                                "unmerge them and type the value in every cell")
        rows = []
        for r, (cells, raw) in enumerate(zip(ws.iter_rows(values_only=False), wf.iter_rows(values_only=False), strict=True), 1):
            for cell, formula in zip(cells, raw, strict=True):
                v = cell.value
                if cell.data_type == "e" or (isinstance(v, str) and v.strip() in ERROR_CODES):
                    raise DeliveryError(f"{_where(file, sheet.name, r)}, cell {cell.coordinate}",
                                        f"formula error {v}", "fix the formula or type the value")
                if v is None and formula.data_type == "f":
                    raise DeliveryError(f"{_where(file, sheet.name, r)}, cell {cell.coordinate}",
                                        f"formula {formula.value} was never computed",
                                        "open and save the workbook in Excel or LibreOffice, or type the value")
            rows.append((r, [c.value for c in cells]))
        header, data = (rows[0][1] if rows else []), [(r, c) for r, c in rows[1:] if any(v is not None and str(v).strip()
                                                                                           for v in c)]
        frames[sheet.name] = _frame(file, sheet, header, data)
    if all(f.empty for f in frames.values()):
        raise DeliveryError(file, f"empty workbook: no row under the headers of {list(frames)}", "fill the template")
    return kind, frames


def read_csv_folder(path: Path) -> tuple[str, dict[str, pd.DataFrame]]:
    """The CSV equivalent: a folder holding one UTF-8 CSV per sheet (`feuille_de_route.csv`, ...)."""
    files = {_norm(p.stem): p for p in sorted(path.glob("*.csv"))}
    kind = kind_of(path.name, [p.stem for p in files.values()])
    frames = {}
    for sheet in KINDS[kind]:
        csv_path = files[sheet.name]
        try:
            text = csv_path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DeliveryError(f"{path.name}/{csv_path.name}", f"not UTF-8 ({exc})", "save it as 'CSV UTF-8'") from exc
        header = text.splitlines()[0] if text else ""
        rows = list(csv.reader(text.splitlines(), delimiter=";" if header.count(";") >= header.count(",") else ","))
        data = [(r, c) for r, c in enumerate(rows[1:], 2) if any(v.strip() for v in c)]
        frames[sheet.name] = _frame(f"{path.name}/{csv_path.name}", sheet, rows[0] if rows else [], data)
    if all(f.empty for f in frames.values()):
        raise DeliveryError(path.name, "empty delivery: no row under the headers", "fill the template")
    return kind, frames


def read_delivery(path: Path) -> tuple[str, dict[str, pd.DataFrame]]:
    if path.is_dir():
        return read_csv_folder(path)
    if path.suffix.lower() != ".xlsx":
        raise DeliveryError(path.name, "not a delivery", "deliver an .xlsx workbook or a folder of CSV files "
                            "(see ingest/templates/)")
    return read_workbook(path)

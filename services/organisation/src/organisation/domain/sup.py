"""SUP CSV rules (docs/domain/pix-orga.md §7.2): headers, per-line checks, diploma and study
scheme lists.

The CSV reader (adapters/files/sup_csv.py) decodes the file and splits cells; here the header
row is mapped to fields (`HEADER_REQUIRED`, `HEADER_UNKNOWN`), every line is checked, and line
numbers are the real service's: index of the data row + 2.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from orga_shared.names import distance_ratio, strip_diacritics
from organisation.domain.learners import (
    FileRejected,
    ImportResult,
    LearnerRecord,
    LineError,
    clean,
    parse_french_date,
)

TEXT_MAX = 255
FUZZY_MAX_RATIO = 0.25
NOT_RECOGNISED = "Non reconnu"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False


COLUMNS = (
    Column("Premier prénom", "first_name", True),
    Column("Deuxième prénom", "middle_name"),
    Column("Troisième prénom", "third_name"),
    Column("Nom de famille", "last_name", True),
    Column("Nom d'usage", "preferred_last_name"),
    Column("Date de naissance (jj/mm/aaaa)", "birthdate", True),
    Column("Email", "email"),
    Column("Numéro étudiant", "student_number", True),
    Column("Composante", "department"),
    Column("Équipe pédagogique", "educational_team"),
    Column("Groupe", "group"),
    Column("Diplôme", "diploma"),
    Column("Régime", "study_scheme"),
)
HEADER_MARKERS = ("Premier prénom", "Numéro étudiant")
"""A decoding is right when the header row contains one of these (encoding detection)."""

STUDY_SCHEMES = (
    "Formation initiale hors apprentissage",
    "Apprentissage",
    "Formation continue",
    "Autre",
)
DIPLOMAS = (
    "Diplôme National de Licence contrôlé par l'Etat",
    "Diplôme National de Licence Professionnelle contrôlé par l'Etat",
    "Diplôme National de Master contrôlé par l'Etat",
    "Diplôme National de Doctorat",
    "DUT contrôlé par l'Etat",
    "BUT contrôlé par l'Etat",
    "BTS contrôlé par l'Etat",
    "Diplôme d'ingénieur contrôlé par l'Etat",
    "Diplôme universitaire",
    "Autre",
)
"""docs/domain/pix-orga.md names two diplomas and "Autre"; the others are our list (ADR 0007)."""

_STUDENT_NUMBER = re.compile(r"^[a-zA-Z0-9_\-]*$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_SPACES = re.compile(r"\s+")

FIELD_LABELS = {c.field: c.header for c in COLUMNS}


def _header_key(text: str) -> str:
    return text.replace("\u2019", "'").replace("\ufeff", "").strip()


def map_headers(cells: Sequence[str]) -> list[str | None]:
    """Field of each column (None for an empty header cell); all header problems at once."""
    known = {c.header: c.field for c in COLUMNS}
    fields: list[str | None] = []
    errors: list[LineError] = []
    for cell in cells:
        header = _header_key(cell)
        if not header:
            fields.append(None)
        elif header in known:
            fields.append(known[header])
        else:
            fields.append(None)
            errors.append(
                LineError(1, "HEADER_UNKNOWN", f"La colonne « {header} » n'est pas reconnue.")
            )
    for column in COLUMNS:
        if column.required and column.field not in fields:
            errors.append(
                LineError(
                    1,
                    "HEADER_REQUIRED",
                    f"La colonne obligatoire « {column.header} » est absente.",
                    column.field,
                )
            )
    if errors:
        raise FileRejected("BAD_HEADERS", "L'en-tête du fichier n'est pas conforme.", errors)
    return fields


def fuzzy_pick(value: str | None, allowed: Sequence[str]) -> str | None:
    """The allowed value the input is close to (case-insensitive), or NOT_RECOGNISED."""
    if value is None:
        return None
    typed = strip_diacritics(value.lower())
    best = min(allowed, key=lambda a: distance_ratio(typed, strip_diacritics(a.lower())))
    if distance_ratio(typed, strip_diacritics(best.lower())) <= FUZZY_MAX_RATIO:
        return best
    return NOT_RECOGNISED


def validate(rows: Sequence[dict[str, str | None]]) -> ImportResult:
    """Rows are field -> raw cell, in file order; row i is line i + 2."""
    counts = Counter((clean(r.get("student_number")) or "") for r in rows)
    result = ImportResult()
    for index, row in enumerate(rows):
        line = index + 2
        record, errors, warnings = _to_record(line, row, counts)
        result.errors.extend(errors)
        result.warnings.extend(warnings)
        if record is not None:
            result.learners.append(record)
    return result


def _to_record(
    line: int, row: dict[str, str | None], counts: Counter[str]
) -> tuple[LearnerRecord | None, list[LineError], list[LineError]]:
    values = {name: clean(raw) for name, raw in row.items()}
    errors: list[LineError] = []
    warnings: list[LineError] = []

    def reject(code: str, name: str, message: str) -> None:
        errors.append(LineError(line, code, f"Ligne {line} : {message}", name))

    for column in COLUMNS:
        value = values.get(column.field)
        if column.required and value is None:
            reject("FIELD_REQUIRED", column.field, f"le champ « {column.header} » est obligatoire.")
        elif value is not None and len(value) > TEXT_MAX:
            reject(
                "FIELD_LENGTH",
                column.field,
                f"le champ « {column.header} » dépasse {TEXT_MAX} caractères.",
            )
    number = values.get("student_number")
    if number is not None and not _STUDENT_NUMBER.match(number):
        reject(
            "STUDENT_NUMBER_FORMAT",
            "student_number",
            "le numéro étudiant ne doit contenir que des lettres, des chiffres, « _ » ou « - ».",
        )
    if number is not None and counts[number] > 1:
        reject(
            "STUDENT_NUMBER_UNIQUE",
            "student_number",
            f"le numéro étudiant {number} est présent plusieurs fois dans le fichier.",
        )
    email = values.get("email")
    if email is not None and not _EMAIL.match(email):
        reject("FIELD_EMAIL_FORMAT", "email", "l'adresse e-mail n'est pas valide.")
    raw_birthdate = values.get("birthdate")
    birthdate = parse_french_date(raw_birthdate, two_digit_years=True)
    if raw_birthdate is not None and birthdate is None:
        reject(
            "FIELD_DATE_FORMAT", "birthdate", "la date de naissance doit être au format jj/mm/aaaa."
        )
    diploma = fuzzy_pick(values.get("diploma"), DIPLOMAS)
    scheme = fuzzy_pick(values.get("study_scheme"), STUDY_SCHEMES)
    for name, picked in (("diploma", diploma), ("study_scheme", scheme)):
        if picked == NOT_RECOGNISED:
            warnings.append(
                LineError(
                    line,
                    "VALUE_NOT_RECOGNISED",
                    f"Ligne {line} : la valeur « {values.get(name)} » de la colonne "
                    f"« {FIELD_LABELS[name]} » n'est pas reconnue ; « {NOT_RECOGNISED} » "
                    "est enregistré.",
                    name,
                )
            )
    first, last = values.get("first_name"), values.get("last_name")
    if errors or number is None or first is None or last is None or birthdate is None:
        return None, errors, warnings
    group = values.get("group")
    record = LearnerRecord(
        key=number,
        line=line,
        first_name=first,
        last_name=last,
        birthdate=birthdate,
        middle_name=values.get("middle_name"),
        third_name=values.get("third_name"),
        preferred_last_name=values.get("preferred_last_name"),
        student_number=number,
        email=email,
        group=_SPACES.sub(" ", group) if group else None,
        department=values.get("department"),
        educational_team=values.get("educational_team"),
        diploma=diploma,
        study_scheme=scheme,
        status=scheme,
    )
    return record, [], warnings

"""SIECLE rules (docs/domain/pix-orga.md §7.1): which pupils of the export are imported, and
the checks.

The XML reader (adapters/files/siecle_xml.py) hands over one `SiecleStudent` per `ELEVE` with
its source line; here we keep pupils still enrolled (no `DATE_SORTIE`) with an INE and a class
(`TYPE_STRUCTURE` D, not "Inactifs"), and reject the file on the real service's error codes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from organisation.domain.learners import (
    FileRejected,
    ImportResult,
    LearnerRecord,
    LineError,
    clean,
    parse_french_date,
)

FRANCE = "100"
SEX_CODES = {"1": "M", "2": "F"}

MESSAGES = {
    "INE_UNIQUE": "L'INE {ine} est présent plusieurs fois dans le fichier.",
    "BIRTHDATE_REQUIRED": "La date de naissance de l'élève {ine} est obligatoire.",
    "INVALID_BIRTHDATE_FORMAT": (
        "La date de naissance de l'élève {ine} doit être au format jj/mm/aaaa."
    ),
    "SEX_CODE_REQUIRED": "Le code sexe de l'élève {ine} est obligatoire (1 ou 2).",
    "BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT": (
        "Le code INSEE de la commune de naissance de l'élève {ine}, né en France, est obligatoire."
    ),
    "LAST_NAME_REQUIRED": "Le nom de famille de l'élève {ine} est obligatoire.",
    "FIRST_NAME_REQUIRED": "Le prénom de l'élève {ine} est obligatoire.",
}


@dataclass(frozen=True)
class SiecleStudent:
    line: int
    eleve_id: str | None
    fields: dict[str, str | None]
    divisions: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return clean(self.fields.get(name))


@dataclass(frozen=True)
class SiecleFile:
    uai: str | None
    students: list[SiecleStudent]


def check_uai(file_uai: str | None, organisation_uai: str | None) -> None:
    if not file_uai or not organisation_uai or file_uai.strip().upper() != organisation_uai.upper():
        raise FileRejected(
            "UAI_MISMATCHED",
            "L'UAI du fichier SIECLE ne correspond pas à celui de votre établissement.",
        )


def division_of(student: SiecleStudent) -> str | None:
    return next((d for d in student.divisions if d and d != "Inactifs"), None)


def validate(siecle: SiecleFile, organisation_uai: str | None) -> ImportResult:
    check_uai(siecle.uai, organisation_uai)
    kept = [
        s
        for s in siecle.students
        if s.get("DATE_SORTIE") is None and s.get("ID_NATIONAL") and division_of(s)
    ]
    if not kept:
        raise FileRejected("EMPTY", "Les élèves doivent posséder un INE ainsi qu'une classe.")
    counts = Counter((s.get("ID_NATIONAL") or "").upper() for s in kept)
    result = ImportResult()
    for student in kept:
        record, errors = _to_record(student, counts)
        result.errors.extend(errors)
        if record is not None:
            result.learners.append(record)
    return result


def _to_record(
    s: SiecleStudent, ine_counts: Counter[str]
) -> tuple[LearnerRecord | None, list[LineError]]:
    ine = (s.get("ID_NATIONAL") or "").upper()
    errors: list[LineError] = []

    def reject(code: str, name: str) -> None:
        errors.append(LineError(s.line, code, MESSAGES[code].format(ine=ine), name))

    if ine_counts[ine] > 1:
        reject("INE_UNIQUE", "ID_NATIONAL")
    last_name, first_name = s.get("NOM_DE_FAMILLE"), s.get("PRENOM")
    if last_name is None:
        reject("LAST_NAME_REQUIRED", "NOM_DE_FAMILLE")
    if first_name is None:
        reject("FIRST_NAME_REQUIRED", "PRENOM")
    raw_birthdate = s.get("DATE_NAISS")
    birthdate = parse_french_date(raw_birthdate)
    if raw_birthdate is None:
        reject("BIRTHDATE_REQUIRED", "DATE_NAISS")
    elif birthdate is None:
        reject("INVALID_BIRTHDATE_FORMAT", "DATE_NAISS")
    sex = SEX_CODES.get(s.get("CODE_SEXE") or "")
    if sex is None:
        reject("SEX_CODE_REQUIRED", "CODE_SEXE")
    country = s.get("CODE_PAYS")
    if country == FRANCE and s.get("CODE_COMMUNE_INSEE_NAISS") is None:
        reject("BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT", "CODE_COMMUNE_INSEE_NAISS")
    if errors or first_name is None or last_name is None or birthdate is None:
        return None, errors
    return (
        LearnerRecord(
            key=ine,
            line=s.line,
            first_name=first_name,
            last_name=last_name,
            birthdate=birthdate,
            middle_name=s.get("PRENOM2"),
            third_name=s.get("PRENOM3"),
            preferred_last_name=s.get("NOM_USAGE"),
            sex=sex,
            national_student_id=ine,
            division=division_of(s),
            birth_city=s.get("VILLE_NAISS"),
            birth_city_code=s.get("CODE_COMMUNE_INSEE_NAISS"),
            birth_province_code=s.get("CODE_DEPARTEMENT_NAISS"),
            birth_country_code=country,
            mef_code=s.get("CODE_MEF"),
            status=s.get("CODE_STATUT"),
        ),
        [],
    )

"""Value objects of an import: a validated learner, a rejected line, the outcome of a file.

A file is all or nothing: one rejected line and nothing is imported, every rejection listed
with its line number so a teacher fixes the file in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class LineError:
    line: int | None
    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True)
class LearnerRecord:
    """One learner as a file describes it; `key` identifies it within the organisation
    (INE for SIECLE, student number for SUP)."""

    key: str
    line: int
    first_name: str
    last_name: str
    birthdate: date
    middle_name: str | None = None
    third_name: str | None = None
    preferred_last_name: str | None = None
    sex: str | None = None
    national_student_id: str | None = None
    student_number: str | None = None
    email: str | None = None
    division: str | None = None
    group: str | None = None
    department: str | None = None
    educational_team: str | None = None
    diploma: str | None = None
    study_scheme: str | None = None
    birth_city: str | None = None
    birth_city_code: str | None = None
    birth_province_code: str | None = None
    birth_country_code: str | None = None
    mef_code: str | None = None
    status: str | None = None


@dataclass
class ImportResult:
    learners: list[LearnerRecord] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    warnings: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileRejected(Exception):
    """The file as a whole cannot be read (format, encoding, headers, organisation)."""

    def __init__(self, code: str, message: str, errors: list[LineError] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or []


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


def parse_french_date(text: str | None, *, two_digit_years: bool = False) -> date | None:
    """ "31/12/2009" -> date; two-digit years pivot at 68 like the real service's date library.

    Returns None when the text is not a valid calendar date.
    """
    if not text:
        return None
    match = _DMY.match(text.strip())
    if match is None:
        return None
    day, month, year_text = match.groups()
    year = int(year_text)
    if len(year_text) == 2:
        if not two_digit_years:
            return None
        year += 2000 if year <= 68 else 1900
    try:
        return date(year, int(month), int(day))
    except ValueError:
        return None


def clean(value: str | None) -> str | None:
    """Trimmed text, or None when empty (the real parsers treat empty cells as absent)."""
    if value is None:
        return None
    value = value.strip()
    return value or None

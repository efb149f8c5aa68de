"""What identity knows about a person, normalised the way the real service compares it.

Name normalisation follows the reconciliation rule (docs/domain/pix-orga.md §7.4): trim, lower
case, NFD then strip diacritics, remove whitespace, drop every character outside `[a-z0-9]`.
The same function feeds username generation and the identity check of account recovery.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from identity.domain.errors import InvalidInput

MAX_NAME_LENGTH = 255
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 255


def normalize_name(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.strip().lower())
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", "".join(without_marks.split()))


def clean_name(value: str, field: str) -> str:
    """A displayable name: trimmed, inner whitespace collapsed, not empty, not too long."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidInput("Ce champ est obligatoire.", field=field)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(
            f"Ce champ ne doit pas dépasser {MAX_NAME_LENGTH} caractères.", field=field
        )
    return cleaned


def parse_birth_date(
    value: str | date, field: str = "birth_date", today: date | None = None
) -> date:
    """ISO `YYYY-MM-DD` or French `JJ/MM/AAAA`; a birth date in the future is refused."""
    if isinstance(value, date):
        parsed = value
    else:
        text = value.strip()
        parsed_or_none: date | None = None
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                parsed_or_none = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if parsed_or_none is None:
            raise InvalidInput(
                "La date de naissance doit être une date valide (JJ/MM/AAAA).", field=field
            )
        parsed = parsed_or_none
    if parsed > (today or date.today()) or parsed.year < 1900:
        raise InvalidInput("La date de naissance n'est pas plausible.", field=field)
    return parsed


def normalize_email(value: str, field: str = "email") -> str:
    """E-mails are compared lower-cased and trimmed, as the real service stores them."""
    email = value.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise InvalidInput("L'adresse e-mail n'est pas valide.", field=field)
    return email


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def close_enough(typed: str, known: str, max_ratio: float) -> bool:
    """Distance over the typed length, on normalised names (`string-similarity-service`)."""
    a, b = normalize_name(typed), normalize_name(known)
    if not a:
        return False
    return levenshtein(a, b) / len(a) <= max_ratio

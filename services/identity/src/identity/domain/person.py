"""What identity accepts of a person: displayable names, birth dates, e-mails.

Comparing names (normalisation, distance) is the kernel's `orga_shared.names`, shared with
reconciliation and every name search; what is here is identity's own input rules.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from identity.domain.errors import InvalidInput

MAX_NAME_LENGTH = 255
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 255


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

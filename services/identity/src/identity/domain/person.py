"""What identity accepts of a person: displayable names, birth dates, e-mails.

Comparing names (normalisation, distance) is the kernel's `orga_shared.names`, shared with
reconciliation and every name search; what is here is identity's own input rules.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from identity.domain.errors import InvalidInput

MAX_NAME_LENGTH = 255
MAX_EMAIL_LENGTH = 255
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

MAX_BIRTH_DATE_LENGTH = 32

# The same rules as JSON Schema patterns, for the API's contract (`entrypoints/routes/models.py`).
# Whitespace is spelled out: `\s` is not the same set in Python (`str.strip`, `str.split`) and in
# ECMA-262, the dialect of JSON Schema patterns.
_WS = (
    r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
NAME_PATTERN = rf"[^{_WS}]"
EMAIL_PATTERN = rf"^[{_WS}]*[^@{_WS}]+@[^@{_WS}]+\.[^@{_WS}]+[{_WS}]*$"
_YEAR, _MONTH, _DAY = "(19[0-9]{2}|20[01][0-9])", "(0[1-9]|1[0-2])", "(0[1-9]|1[0-9]|2[0-8])"
BIRTH_DATE_PATTERN = rf"^[{_WS}]*({_YEAR}-{_MONTH}-{_DAY}|{_DAY}/{_MONTH}/{_YEAR})[{_WS}]*$"
"""Days up to the 28th of 1900-2019: always plausible (the service also accepts the 29th to the
31st and recent years, which a static pattern cannot say)."""


def clean_name(value: str, field: str) -> str:
    """A displayable name: trimmed, inner whitespace collapsed, not empty, not too long."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidInput("Ce champ est obligatoire.", field=field)
    if len(value) > MAX_NAME_LENGTH:
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
        if len(value) > MAX_BIRTH_DATE_LENGTH:
            raise InvalidInput(
                "La date de naissance doit être une date valide (JJ/MM/AAAA).", field=field
            )
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
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise InvalidInput("L'adresse e-mail n'est pas valide.", field=field)
    return email

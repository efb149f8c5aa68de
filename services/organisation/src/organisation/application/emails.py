"""The invitation form's e-mail list: comma-separated, trimmed, lower-cased, de-duplicated.

Every invalid address is reported at once, each repeated only up to `echo`'s limit (a pasted
10,000-character "address" is not sent back whole).
"""

from __future__ import annotations

import re

from orga_shared.http.errors import echo
from organisation.domain.errors import DomainError

MAX_EMAILS = 100
SHOWN_INVALID = 10
SPACE = " \t\n\r\f\v"
_WS = r" \t\n\r\f\v"
"""Spelled out, not `\\s`: Python's and the OpenAPI (ECMA) regex disagree on what `\\s` is."""
_CHAR = r"[^@,;:<>()\[\]\\\"\x00-\x20\x7f-\x9f\u2028\u2029]"
"""No spaces, control characters or address specials (a mail header cannot carry them)."""
ADDRESS = rf"{_CHAR}{{1,64}}@{_CHAR}{{1,120}}\.{_CHAR}{{1,60}}"
_ITEM = rf"[{_WS}]*{ADDRESS}[{_WS}]*"
EMAIL_LIST = rf"^[{_WS},]*{_ITEM}(,[{_WS},]*{_ITEM}){{0,99}}[{_WS},]*$"
"""What the form accepts, as the OpenAPI document says it (1 to 100 addresses)."""
_ADDRESS = re.compile(ADDRESS)


def parse_emails(text: str) -> list[str]:
    typed = list(dict.fromkeys(e.strip(SPACE) for e in text.split(",") if e.strip(SPACE)))
    emails = list(dict.fromkeys(e.lower() for e in typed))
    if not emails:
        raise DomainError("EMAIL_REQUIRED", "Saisissez au moins une adresse e-mail.", "emails")
    if len(emails) > MAX_EMAILS:
        raise DomainError("TOO_MANY_EMAILS", f"{MAX_EMAILS} adresses au plus par envoi.", "emails")
    invalid = [echo(e.lower()) for e in typed if not _ADDRESS.fullmatch(e)]
    if invalid:
        shown = ", ".join(invalid[:SHOWN_INVALID])
        more = (
            f" (et {len(invalid) - SHOWN_INVALID} autres)" if len(invalid) > SHOWN_INVALID else ""
        )
        raise DomainError(
            "INVALID_EMAIL",
            f"Adresse(s) e-mail invalide(s) : {shown}{more}.",
            "emails",
            invalid=invalid[:SHOWN_INVALID],
        )
    return emails

"""Generated usernames for students without e-mail: `prenom.nom` + day and month of birth.

This is the real service's rule (`createUsernameByUser`): names normalised as for
reconciliation, then `DDMM`; when that is taken, four random digits replace `DDMM` until a
free one is found. A name that normalises to nothing (non-Latin script) falls back to a fixed
word so the username stays typeable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import date

from orga_shared.names import normalise

FALLBACK_PART = "eleve"


def username_base(first_name: str, last_name: str) -> str:
    first = normalise(first_name) or FALLBACK_PART
    last = normalise(last_name) or FALLBACK_PART
    return f"{first}.{last}"


def username_candidates(
    first_name: str,
    last_name: str,
    birth_date: date,
    *,
    randbelow: Callable[[int], int] = secrets.randbelow,
) -> Iterator[str]:
    """The preferred username first, then endless random-suffix alternatives."""
    base = username_base(first_name, last_name)
    yield f"{base}{birth_date.day:02d}{birth_date.month:02d}"
    while True:
        yield f"{base}{randbelow(10_000):04d}"


def normalize_username(value: str) -> str:
    return value.strip().lower()

"""Identity check before a school account (SSO or username) gets an e-mail and a password.

A student who leaves school loses the ENT; they prove who they are with first name, last name
and birth date. The birth date must match exactly; names are compared like reconciliation
does (§7.4): an exact match on normalised names first, then a tolerant pass (Levenshtein over
typed length ≤ 0.25), and only a single candidate is ever accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from orga_shared.names import STRICT_RATIO, TOLERANT_RATIO, close_enough, normalise


@dataclass(frozen=True)
class Candidate:
    user_id: str
    first_name: str
    last_name: str
    birth_date: date | None


def match_candidate(
    candidates: Sequence[Candidate], first_name: str, last_name: str, birth_date: date
) -> str | None:
    """The id of the only candidate matching, or None when none or several do."""
    first, last = normalise(first_name), normalise(last_name)
    same_birth = [c for c in candidates if c.birth_date == birth_date]
    for ratio in (STRICT_RATIO, TOLERANT_RATIO):
        found = [
            c
            for c in same_birth
            if close_enough(first, normalise(c.first_name), ratio)
            and close_enough(last, normalise(c.last_name), ratio)
        ]
        if len(found) == 1:
            return found[0].user_id
        if len(found) > 1:
            return None
    return None

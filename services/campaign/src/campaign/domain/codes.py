"""Campaign codes as the real service makes them (docs/domain/pix-orga.md §1.5).

Six letters without I, L and O, then three digits from 2 to 9 (`QWERTY234`): 23^6 × 8^3 ≈
7.6 × 10^10 codes, drawn from the OS's CSPRNG. Uniqueness across every organisation is decided
by a unique insert of the code (adapters), not here. What a student types is upper-cased and
stripped of spaces before the look-up.
"""

from __future__ import annotations

import re
import secrets

LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
CODE = re.compile(rf"^[{LETTERS}]{{6}}[{DIGITS}]{{3}}$")


def generate() -> str:
    return "".join(secrets.choice(LETTERS) for _ in range(6)) + "".join(
        secrets.choice(DIGITS) for _ in range(3)
    )


def normalise(typed: str) -> str:
    """What a student typed, as codes are stored: upper case, no whitespace anywhere."""
    return "".join(typed.split()).upper()


def looks_like_a_code(text: str) -> bool:
    return CODE.fullmatch(text) is not None

"""Text treatments applied before comparing free-text answers (docs/domain/adaptive-engine.md
§2.4): t1 (spaces, case, accents), t2 (punctuation), t3 (the 0.25 edit-distance tolerance).

The pre-treatment (NFC, non-breaking spaces) is the kernel's `pre_treat`, since solutions are
read with it too; it is re-exported here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable

from rapidfuzz.distance import Levenshtein

from orga_shared.content.solutions import pre_treat

TOLERANCE_RATIO = 0.25
ALL_TREATMENTS = ("t1", "t2", "t3")

_COMBINING = re.compile("[\u0300-\u036f]")
_WHITESPACE = re.compile(r"\s")
_SPECIAL = re.compile(r"[^a-zA-Z0-9 ]+")
_SPACE_RUNS = re.compile(r"\s\s+")


def t1(value: str) -> str:
    """Spaces, case and accents: trim, lower-case, strip diacritics, then drop every space."""
    decomposed = unicodedata.normalize("NFD", value.strip().lower())
    return _WHITESPACE.sub("", _COMBINING.sub("", decomposed))


def t2(value: str) -> str:
    """Punctuation: keep only ASCII letters, digits and spaces, then collapse space runs."""
    return _SPACE_RUNS.sub(" ", _SPECIAL.sub("", value))


_TEXT_TREATMENTS: dict[str, Callable[[str], str]] = {"t1": t1, "t2": t2}


def enabled_treatments(t1_on: bool, t2_on: bool, t3_on: bool) -> frozenset[str]:
    """The treatments a challenge keeps: all three minus those it deactivates."""
    flags = {"t1": t1_on, "t2": t2_on, "t3": t3_on}
    return frozenset(name for name, on in flags.items() if on)


def apply_treatments(value: str, enabled: Collection[str]) -> str:
    """Run the enabled text treatments in sorted order (t3 changes no text)."""
    for name in sorted(enabled):
        treatment = _TEXT_TREATMENTS.get(name)
        if treatment is not None:
            value = treatment(value)
    return value


def levenshtein_ratio(answer: str, accepted: str) -> float:
    """Edit distance relative to the answer's length, the measure behind the t3 tolerance."""
    return Levenshtein.distance(answer, accepted) / len(answer)


def is_answer_valid(answer: str, accepted: Iterable[str], enabled: Collection[str]) -> bool:
    """Compare already-treated texts: exact membership, or best ratio <= 0.25 with t3.

    An answer that is empty after treatment only matches exactly (no ratio on a zero length).
    """
    accepted = list(accepted)
    if "t3" not in enabled or not answer:
        return answer in accepted
    return min((levenshtein_ratio(answer, a) for a in accepted), default=1.0) <= TOLERANCE_RATIO


__all__ = [
    "ALL_TREATMENTS",
    "TOLERANCE_RATIO",
    "apply_treatments",
    "enabled_treatments",
    "is_answer_valid",
    "levenshtein_ratio",
    "pre_treat",
    "t1",
    "t2",
]

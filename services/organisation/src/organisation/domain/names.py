"""Name comparison as the real service does it (docs/domain/pix-orga.md §7.4 and §7.6).

- `normalise`: what a student types and what SIECLE holds are compared after trimming,
  lower-casing, stripping diacritics, removing whitespace and anything not a-z / 0-9, so
  "Jean-Éric  Dûpont" and "jeaneric dupont" meet.
- `close_enough`: Levenshtein distance divided by the length of the typed string, at most
  `TOLERANT_RATIO` (0.25) in the tolerant pass, 0 in the strict one.
- `trigram_distance`: pg_trgm's `<->` operator, used by the name search box (≤ 0.8 matches).
"""

from __future__ import annotations

import re
import unicodedata

STRICT_RATIO = 0.0
TOLERANT_RATIO = 0.25
SEARCH_TRIGRAM_DISTANCE = 0.8

_NOT_ALNUM = re.compile(r"[^a-zA-Z0-9 ]")
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str | None) -> str:
    if not text:
        return ""
    folded = strip_diacritics(text.strip().lower())
    return _NOT_ALNUM.sub("", _WHITESPACE.sub("", folded))


def levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def distance_ratio(typed: str, reference: str) -> float:
    """Edits needed, relative to the length of what the user typed (both already normalised)."""
    if not typed:
        return 0.0 if not reference else float("inf")
    return levenshtein(typed, reference) / len(typed)


def close_enough(typed: str, reference: str | None, max_ratio: float) -> bool:
    """Both normalised; an empty reference (no middle name, ...) never matches."""
    if not reference or not typed:
        return False
    return distance_ratio(typed, reference) <= max_ratio


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: per lower-cased word, padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_distance(a: str, b: str) -> float:
    ga, gb = trigrams(a), trigrams(b)
    if not ga and not gb:
        return 1.0
    return 1.0 - len(ga & gb) / len(ga | gb)


def matches_search(search: str, first_name: str, last_name: str) -> bool:
    """The list's name filter: close as a full name, or a substring of either name."""
    needle = search.strip().lower()
    if not needle:
        return True
    first, last = first_name.lower(), last_name.lower()
    if needle in first or needle in last:
        return True
    return trigram_distance(f"{first} {last}", needle) <= SEARCH_TRIGRAM_DISTANCE

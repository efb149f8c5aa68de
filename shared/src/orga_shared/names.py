"""People's names compared the way the real service compares them (docs/domain/pix-orga.md
§7.4, §7.6).

One module for every service: reconciliation (organisation), account recovery and usernames
(identity) and every name search box.
- `normalise`: trim, lower-case, strip diacritics, remove whitespace and anything not a-z/0-9,
  so "Jean-Éric  Dûpont" and "jeaneric dupont" meet.
- `close_enough`: Levenshtein distance divided by the length of the typed string, at most
  `TOLERANT_RATIO` (0.25) in the tolerant pass, 0 in the strict one.
- `matches_search`: the name filter of every list: trigram distance (pg_trgm's `<->`) between
  "first last" and the search at most 0.8, or the search inside the first or the last name;
  case and accents never matter ("eloise" finds Éloïse).
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

STRICT_RATIO = 0.0
TOLERANT_RATIO = 0.25
SEARCH_TRIGRAM_DISTANCE = 0.8

_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_WORD = re.compile(r"[^\W_]+")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without diacritics, spaces kept: the form searches compare."""
    return strip_diacritics(text.strip().lower())


def normalise(text: str | None) -> str:
    if not text:
        return ""
    return _NOT_ALNUM.sub("", "".join(fold(text).split()))


def distance_ratio(typed: str, reference: str) -> float:
    """Edits needed, relative to the length of what the user typed (both already normalised)."""
    if not typed:
        return 0.0 if not reference else float("inf")
    return Levenshtein.distance(typed, reference) / len(typed)


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
    needle = fold(search)
    if not needle:
        return True
    first, last = fold(first_name), fold(last_name)
    if needle in first or needle in last:
        return True
    return trigram_distance(f"{first} {last}", needle) <= SEARCH_TRIGRAM_DISTANCE

"""The kernel's name rules (`orga_shared.names`) on the cases organisation's users meet:
reconciliation tolerance and the learner search box (docs/domain/pix-orga.md §7.4, §7.6)."""

import pytest

from orga_shared.names import (
    close_enough,
    distance_ratio,
    matches_search,
    normalise,
    trigram_distance,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Jean-Éric ", "jeaneric"),
        ("Dûpont  Martin", "dupontmartin"),
        ("N'Guyen", "nguyen"),
        ("ÇA Ïl", "cail"),
        ("Zoë\t", "zoe"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_trims_lowercases_strips_accents_spaces_and_symbols(typed, expected):
    assert normalise(typed) == expected


def test_ratio_is_relative_to_the_typed_string():
    # one edit on an 8-letter typed name: 0.125
    assert distance_ratio("lefebvre", "lefebre") == pytest.approx(1 / 8)
    # the same edit seen from the 7-letter side is 1/7
    assert distance_ratio("lefebre", "lefebvre") == pytest.approx(1 / 7)


@pytest.mark.parametrize(
    ("typed", "reference", "ratio", "ok"),
    [
        ("lefebvre", "lefebvre", 0.0, True),
        ("lefebvre", "lefebre", 0.0, False),
        ("lefebvre", "lefebre", 0.25, True),  # 1/8
        ("anne", "annie", 0.25, True),  # 1/4: exactly at the limit
        ("ann", "annie", 0.25, False),  # 2/3
        ("jean", "", 0.25, False),  # no middle name never matches
    ],
)
def test_close_enough_strict_and_tolerant(typed, reference, ratio, ok):
    assert close_enough(typed, reference, ratio) is ok


def test_trigram_distance_like_pg_trgm():
    assert trigram_distance("word", "word") == 0.0
    assert trigram_distance("alice martin", "xyz") == 1.0
    assert 0 < trigram_distance("alice martin", "alice martine") < 0.5


@pytest.mark.parametrize(
    ("search", "ok"),
    [
        ("mart", True),  # substring of the last name
        ("ALI", True),  # case-insensitive substring of the first name
        ("alice martyn", True),  # close as a full name (trigrams)
        ("bob", False),
        ("", True),
    ],
)
def test_name_search(search, ok):
    assert matches_search(search, "Alice", "Martin") is ok


@pytest.mark.parametrize(
    ("search", "first", "last"),
    [
        ("eloise", "Éloïse", "Martin"),
        ("zoe", "Zoé", "Bernard"),
        ("maria", "María", "Lopez"),
        ("ELOÏSE", "eloise", "Martin"),
        ("dupre", "Jean", "Dupré"),
    ],
)
def test_search_ignores_case_and_accents_on_both_names(search, first, last):
    assert matches_search(search, first, last)

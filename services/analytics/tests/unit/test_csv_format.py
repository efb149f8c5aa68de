"""The cell rules of campaign exports (docs/domain/pix-orga.md §4.1), against its examples."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from analytics.domain.csv_format import (
    NA,
    Raw,
    cell,
    content_disposition,
    date,
    file_name,
    js_number,
    js_round,
    line,
    ratio,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.75, "0,75"),
        (1, "1"),
        (1.0, "1"),  # JavaScript prints no ".0"
        (0, "0"),
        (0.333, "0,333"),
        (12, "12"),
        (-0.5, "-0,5"),
    ],
)
def test_numbers_use_a_decimal_comma(value: float, expected: str) -> None:
    assert cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123", "123"),  # ^[0-9-]+$ is written raw
        ("2026-11-20", "2026-11-20"),
        ("-12", "-12"),  # raw: the pattern is checked before the formula guard
        ("Rentrée", '"Rentrée"'),
        ("", '""'),
        ('Le "grand" test', '"Le ""grand"" test"'),
        ("a;b", '"a;b"'),
        ("=SUM(A1)", '"\'=SUM(A1)"'),
        ("+33 6", '"\'+33 6"'),
        ("-x", '"\'-x"'),
        ("@recherche3", '"\'@recherche3"'),
        ('=1+"2"', '"\'=1+""2"""'),
        ("a=b", '"a=b"'),  # only the first character matters
        ("NA", '"NA"'),
        ("12,5", '"12,5"'),
    ],
)
def test_strings_are_quoted_except_digits_and_dashes_and_guarded(value: str, expected: str) -> None:
    assert cell(value) == expected


def test_booleans_none_and_raw_cells() -> None:
    assert cell(True) == '"Oui"' and cell(False) == '"Non"'
    assert cell(None) == '""'
    assert cell(Raw("0,5")) == "0,5"


def test_a_line_is_joined_by_semicolons_and_read_back_by_the_csv_module() -> None:
    values = ["Collège; « Jean »", 'dit "Jo"', 0.75, "123", True, NA, "=1", "multi\nline"]
    text = line(values)
    assert text == '"Collège; « Jean »";"dit ""Jo""";0,75;123;"Oui";"NA";"\'=1";"multi\nline"\n'
    [row] = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert row == [
        "Collège; « Jean »",
        'dit "Jo"',
        "0,75",
        "123",
        "Oui",
        "NA",
        "'=1",
        "multi\nline",
    ]


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [(0.125, 2, 0.13), (2 / 3, 2, 0.67), (1 / 3, 3, 0.333), (0.2857, 3, 0.286), (0.005, 2, 0.01)],
)
def test_rounding_is_half_up_like_lodash(x: float, digits: int, expected: float) -> None:
    assert js_round(x, digits) == expected


def test_ratios_and_js_numbers() -> None:
    assert ratio(3, 4) == 0.75 and ratio(0, 0) == 0 and ratio(1, 3) == 0.33
    assert js_number(1e-7) == "1e-7" and js_number(3) == "3"


def test_dates_are_paris_time_winter_and_summer() -> None:
    assert date(datetime(2026, 11, 20, 9, 5, tzinfo=UTC)) == "20/11/2026 10:05"
    assert date(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02/07/2026 00:30"
    assert date(datetime(2026, 7, 1, 22, 30)) == "02/07/2026 00:30"  # naive = UTC
    assert date(None) == NA


def test_file_name_and_its_header() -> None:
    name = file_name("Rentrée 2026", "c-1", datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    assert name == "Resultats-Rentrée 2026-c-1-2026-11-21-0030.csv"
    header = content_disposition('Un "nom" œ.csv')
    assert header == (
        "attachment; filename=\"Un _nom_ _.csv\"; filename*=UTF-8''Un%20%22nom%22%20%C5%93.csv"
    )
    header.encode("latin-1")  # an HTTP header must be

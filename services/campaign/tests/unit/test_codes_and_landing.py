"""Codes (format, alphabet, normalisation) and the landing text's rendering (no script survives)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.domain import codes, landing
from orga_shared.testing.html import unsafe

pytestmark = pytest.mark.unit


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10_000))
def test_every_generated_code_has_the_real_format(_: int) -> None:
    code = codes.generate()
    assert codes.looks_like_a_code(code)
    assert len(code) == 9
    assert not set(code) & set("ILO01")
    assert code[:6].isalpha() and code[6:].isdigit()


def test_codes_are_spread_over_the_whole_alphabet() -> None:
    seen = {ch for _ in range(2_000) for ch in codes.generate()}
    assert seen == set(codes.LETTERS) | set(codes.DIGITS)


@given(st.text(alphabet=" \t\n", max_size=3), st.text(alphabet=" \t", max_size=3))
def test_a_code_typed_in_lower_case_with_spaces_is_found(before: str, inside: str) -> None:
    typed = f"{before}qwe{inside}rty234{before}"
    assert codes.normalise(typed) == "QWERTY234"


def test_formatting_the_guides_show_is_rendered() -> None:
    html = landing.render(
        "**Important** et *italique*\nligne suivante\n\n- un\n- deux\n\n1. premier\n2. second\n\n"
        "[Pix](https://pix.fr)"
    )
    assert html is not None
    for fragment in ("<strong>Important</strong>", "<em>italique</em>", "<br", "<ul>", "<ol>"):
        assert fragment in html
    assert '<a href="https://pix.fr" rel="noopener noreferrer nofollow">Pix</a>' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "[x](JaVaScRiPt:alert(1))",
        '<p onclick="alert(1)">x</p>',
    ],
)
def test_no_script_event_attribute_or_javascript_link_survives(source: str) -> None:
    """Parsed as a browser would: what is left is text, never an element or attribute."""
    assert unsafe(landing.render(source) or "") == []


def test_empty_text_renders_to_nothing() -> None:
    assert landing.render(None) is None
    assert landing.render("") is None

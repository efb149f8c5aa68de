"""The API documents the domain's input rules as JSON Schema patterns: whatever a pattern admits,
the rule accepts (so a generated client is never refused), and what a name or e-mail pattern
refuses, the rule refuses too."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity.domain.errors import InvalidInput
from identity.domain.passwords import MAX_LENGTH, MIN_LENGTH, PASSWORD_PATTERN, check_password
from identity.domain.person import (
    BIRTH_DATE_PATTERN,
    EMAIL_PATTERN,
    MAX_BIRTH_DATE_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    NAME_PATTERN,
    clean_name,
    normalize_email,
    parse_birth_date,
)

pytestmark = pytest.mark.unit
TODAY = date(2026, 9, 1)


def accepts(rule, value: str) -> bool:
    try:
        rule(value)
    except InvalidInput:
        return False
    return True


@settings(max_examples=150)
@given(st.text(max_size=MAX_NAME_LENGTH))
def test_a_name_is_accepted_exactly_when_its_pattern_matches(value: str) -> None:
    documented = re.search(NAME_PATTERN, value) is not None
    assert accepts(lambda v: clean_name(v, "first_name"), value) == documented


@settings(max_examples=150)
@given(st.one_of(st.text(max_size=40), st.from_regex(EMAIL_PATTERN)))
def test_an_email_is_accepted_exactly_when_its_pattern_matches(value: str) -> None:
    documented = re.search(EMAIL_PATTERN, value) is not None and len(value) <= MAX_EMAIL_LENGTH
    assert accepts(normalize_email, value) == documented


@settings(max_examples=100)
@given(st.from_regex(BIRTH_DATE_PATTERN).filter(lambda d: len(d) <= MAX_BIRTH_DATE_LENGTH))
def test_every_documented_birth_date_is_accepted(value: str) -> None:
    assert accepts(lambda v: parse_birth_date(v, today=TODAY), value)


@settings(max_examples=100)
@given(st.from_regex(PASSWORD_PATTERN).filter(lambda p: MIN_LENGTH <= len(p) <= MAX_LENGTH))
def test_every_documented_password_is_accepted(value: str) -> None:
    check_password(value)

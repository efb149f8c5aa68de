"""Pure rules: password policy, name normalisation, birth dates, e-mails, usernames."""

from __future__ import annotations

from datetime import date

import pytest

from identity.domain.errors import InvalidInput, WeakPassword
from identity.domain.passwords import check_password
from identity.domain.person import normalize_email, parse_birth_date
from identity.domain.usernames import username_base, username_candidates

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("password", ["Secret12", "pässWörd9", "ÉLÈVEé2024", "Aa1" + "x" * 253])
def test_strong_passwords_pass(password: str) -> None:
    check_password(password)


@pytest.mark.parametrize(
    "password",
    ["Secre12", "secret123", "SECRET123", "SecretSecret", "", "Aa1" + "x" * 254, "12345678"],
)
def test_weak_passwords_are_refused_with_the_real_message(password: str) -> None:
    with pytest.raises(WeakPassword) as caught:
        check_password(password)
    assert caught.value.field == "password"
    assert "une majuscule, une minuscule et un chiffre" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  Élodie ", "elodie"),
        ("Jean-Éric", "jeaneric"),
        ("de La Fontaine", "delafontaine"),
        ("N'Diaye", "ndiaye"),
        ("Zoë", "zoe"),
        ("Ørsted", "rsted"),
        ("李", ""),
    ],
)
def test_usernames_use_names_normalised_like_reconciliation(raw: str, normalised: str) -> None:
    assert username_base(raw, "Durand") == f"{normalised or 'eleve'}.durand"


def test_username_is_first_dot_last_then_day_and_month() -> None:
    candidates = username_candidates("Jean-Éric", "de La Fontaine", date(2011, 3, 7))
    assert next(candidates) == "jeaneric.delafontaine0703"


def test_taken_username_falls_back_to_four_random_digits() -> None:
    draws = iter([42, 9999, 7])
    candidates = username_candidates(
        "Léa", "Petit", date(2010, 12, 25), randbelow=lambda _: next(draws)
    )
    assert [next(candidates) for _ in range(4)] == [
        "lea.petit2512",
        "lea.petit0042",
        "lea.petit9999",
        "lea.petit0007",
    ]


def test_names_without_latin_letters_still_give_a_typeable_username() -> None:
    assert username_base("李", "王") == "eleve.eleve"


@pytest.mark.parametrize("text", ["2010-05-04", "04/05/2010", " 04/05/2010 "])
def test_birth_dates_in_iso_or_french_format(text: str) -> None:
    assert parse_birth_date(text) == date(2010, 5, 4)


@pytest.mark.parametrize("text", ["31/02/2011", "2010-13-01", "hier", "1850-01-01", "2999-01-01"])
def test_impossible_birth_dates_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_birth_date(text, today=date(2026, 1, 1))


def test_emails_are_trimmed_and_lower_cased_and_checked() -> None:
    assert normalize_email("  Camille.Durand@Exemple.FR ") == "camille.durand@exemple.fr"
    for bad in ["camille", "a@b", "a b@c.fr", "@exemple.fr"]:
        with pytest.raises(InvalidInput):
            normalize_email(bad)

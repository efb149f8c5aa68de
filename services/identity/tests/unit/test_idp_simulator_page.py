"""The ENT simulator page's own rules: where it may send an assertion, what its form accepts."""

from __future__ import annotations

from datetime import date

import pytest

from identity.entrypoints.routes.idp_simulator import (
    allowed_return,
    check_identity,
    connected_page,
    login_form,
)

pytestmark = pytest.mark.unit

WEB = "http://127.0.0.1:8100"


@pytest.mark.parametrize(
    ("url", "base", "allowed"),
    [
        ("http://127.0.0.1:8100/connexion/gar", WEB, True),
        ("http://127.0.0.1:8100", WEB, True),
        ("HTTP://127.0.0.1:8100/x?y=1", WEB + "/", True),
        ("https://pix.exemple.fr/app/sso", "https://pix.exemple.fr/app", True),
        ("https://pix.exemple.fr/application", "https://pix.exemple.fr/app", False),
        ("http://127.0.0.1:8100.pirate.example/", WEB, False),
        ("http://user@127.0.0.1:8100/", WEB, False),
        ("http://127.0.0.1:8100\\@pirate.example/", WEB, False),
        ("http://127.0.0.1:8100/a b", WEB, False),
        ("http://127.0.0.1:8100/" + "a" * 3000, WEB, False),
        ("/connexion", WEB, False),
        ("", WEB, False),
    ],
)
def test_only_pages_of_the_web_base_url_are_allowed(url: str, base: str, allowed: bool) -> None:
    assert allowed_return(url, base) is allowed


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong() -> None:
    values = {"first_name": " Inès  Marie ", "last_name": "", "birth_date": "", "saml_id": " x "}

    errors, born = check_identity(values, today=date(2026, 9, 1))

    assert errors == {"last_name": "Indiquez votre nom."}
    assert born is None and values["first_name"] == "Inès Marie" and values["saml_id"] == "x"


def test_what_was_typed_is_escaped() -> None:
    html = login_form({"first_name": '"><script>'}, {"first_name": "<b>"}, WEB + '/"x')
    assert "<script>" not in html and "<b>" not in html and '/"x' not in html
    page = connected_page("<i>", "Moreau", "a.b.c", WEB + "/?a=1&b=2")
    assert "<i>" not in page and 'action="http://127.0.0.1:8100/?a=1&amp;b=2"' in page

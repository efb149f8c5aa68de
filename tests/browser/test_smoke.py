"""The browser harness on the running system: the home page in French under a strict CSP, with
no error and no serious accessibility issue, on a desktop and a phone; the SMTP sink; and the
harness's own promises (CSP violations are caught, axe runs under a strict CSP)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Browser, Route

from .harness import axe_check, open_tab, tab_to

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "mobile"])
def test_home_page_is_french_under_a_strict_csp_without_errors(
    system, browser_page, shots, mobile: bool
) -> None:
    tab = browser_page(mobile=mobile)
    page = tab.page

    response = page.goto("/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp, f"no strict CSP on /: {csp!r}"
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, csp
    page.wait_for_load_state("networkidle")
    shots(page, "accueil")
    axe_check(page, f"l'accueil ({'mobile' if mobile else 'bureau'})")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"horizontal scroll: {width} px"

    health = page.goto("/health")
    assert health is not None and health.status == 200 and health.json() == {"ok": True}
    tab.assert_no_errors()


def test_the_services_mail_reaches_the_smtp_sink(system) -> None:
    identity = system.urls["identity"]
    created = httpx.post(
        f"{identity}/users/student-accounts",
        json={
            "first_name": "Hugo",
            "last_name": "Bernard",
            "birth_date": "2009-01-02",
            "password": "Eleve2024",
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    email = f"hugo.{uuid.uuid4().hex[:8]}@exemple.fr"
    asked = httpx.post(
        f"{identity}/account-recovery",
        json={
            "username": created.json()["username"],
            "first_name": "Hugo",
            "last_name": "Bernard",
            "birth_date": "2009-01-02",
            "email": email,
        },
        timeout=30,
    )
    assert asked.status_code == 202, asked.text

    mail = system.mails.wait_for(email, subject="Récupération")
    assert "Code de récupération :" in mail.text
    # identity links to the system's own web UI (ORGA_IDENTITY_WEB_BASE_URL)
    assert any(
        link.startswith(f"{system.urls['web']}/recuperer-mon-compte/") for link in mail.links
    )


# The harness itself, on a page served by the test (no system needed).

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'"
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title></head>
<body><main><h1>Essai</h1>
<p id="pale" style="color:#ccc;background:#fff">Texte trop pâle</p>
<a href="#a" id="first">Premier</a> <button id="second">Second</button>
<script>document.title = "inline";</script></main></body></html>"""


def serve(route: Route) -> None:
    route.fulfill(
        status=200,
        content_type="text/html; charset=utf-8",
        headers={"content-security-policy": STRICT_CSP},
        body=PAGE,
    )


def test_harness_catches_csp_violations_and_runs_axe_under_the_strict_csp(
    browser: Browser,
) -> None:
    tab = open_tab(browser)
    try:
        tab.context.route("http://orga.test/**", serve)
        tab.page.goto("http://orga.test/")
        assert tab.page.title() == "Essai"  # the inline script was blocked
        tab.page.wait_for_timeout(200)
        assert any(e.startswith("CSP: script-src") for e in tab.errors), tab.errors
        assert any("Content Security Policy" in e for e in tab.errors), tab.errors

        # axe is evaluated over CDP: not blocked by the page's CSP, and finds the pale text
        with pytest.raises(pytest.fail.Exception, match="color-contrast"):
            axe_check(tab.page, "la page d'essai")
        assert tab.page.evaluate("typeof axe.run") == "function"
        assert axe_check(tab.page, "la page d'essai", disable=("color-contrast",)) is not None

        assert tab_to(tab.page, tab.page.locator("#second")) == 2
        assert tab_to(tab.page, tab.page.locator("#first"), backwards=True) == 1
        with pytest.raises(pytest.fail.Exception, match="not focused after 3 presses"):
            tab_to(tab.page, tab.page.locator("#pale"), max_presses=3)  # not focusable
    finally:
        tab.context.close()


def test_move_clock_writes_the_cumulative_offset_for_assessment(system) -> None:
    assert system.clock_file.read_text() == "0.0"
    assert system.move_clock(3600) == 3600
    assert system.move_clock(0.5) == 3600.5
    assert float(system.clock_file.read_text()) == 3600.5
    assert list(system.clock_file.parent.glob(".*.tmp")) == []  # renamed over, none left
    assert system.move_clock(-3600.5) == 0  # back to the real time for the module's next tests

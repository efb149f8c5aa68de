"""What the browser tests share: accounts, the demo organisations and campaigns of a test's
system, waiting, and moving through htmx-swapped pages (the URL or the page's h1 changes).

    from tests.browser.flows import School, account, click_and_wait, log_in, school, token

(`cli`, `token`, `organisation`, `accept_terms` come from tests/system.py, over HTTP only.)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from organisation.demo import DEMO_PUPILS, siecle_xml
from tests.browser.all_types_release import PROFILE_ID
from tests.system import PASSWORD, System, accept_terms, cli, organisation, token, until

__all__ = ["PASSWORD", "accept_terms", "cli", "organisation", "token", "until"]


def account(system: System, first: str, last: str) -> tuple[str, str]:
    email = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.fr"
    body = {"email": email, "first_name": first, "last_name": last, "password": PASSWORD}
    r = httpx.post(f"{system.urls['identity']}/users", json=body, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["id"], email


@dataclass
class School:
    teacher: dict[str, str]
    pro_code: str  # open campaign (no learners imported), multiple sendings
    sco_code: str  # school campaign: joining asks for reconciliation
    collection_code: str  # school profiles collection


@pytest.fixture(scope="module")
def school(system: System) -> School:
    """A school with organisation's demo SIECLE pupils imported and a company, fresh for this
    test (never the stable ids of `make run`'s demo: the topics are shared), a teacher admin of
    both, multiple sendings allowed, campaigns in each."""
    teacher_id, teacher_email = account(system, "Claire", "Martin")
    run = uuid.uuid4().hex[:6].upper()
    uai = f"07{run[:5]}X"
    ids = {
        "SCO": organisation(system, f"Collège des tests {run}", "SCO", teacher_id, uai),
        "PRO": organisation(system, f"Entreprise des tests {run}", "PRO", teacher_id),
    }
    imported = httpx.post(
        f"{system.urls['organisation']}/organisations/{ids['SCO']}/learners/import-siecle",
        content=siecle_xml(uai, DEMO_PUPILS),
        headers={**token(system, teacher_email), "Content-Type": "application/xml"},
        timeout=60,
    )
    assert imported.status_code == 200, imported.text
    admin_email = f"admin.{uuid.uuid4().hex[:8]}@orga.local"
    cli(system, "identity", "create-admin", "--email", admin_email, "--password", PASSWORD)
    admin = token(system, admin_email)
    teacher = token(system, teacher_email)
    campaign = system.urls["campaign"]
    for org in ids.values():
        r = httpx.put(
            f"{campaign}/admin/organisations/{org}/campaign-settings",
            json={"multiple_sendings_assessment": True},
            headers=admin,
            timeout=30,
        )
        assert r.status_code == 200, r.text

    def create(org: str, name: str, collection: bool = False) -> str:
        body: dict[str, Any] = {"name": name, "type": "PROFILES_COLLECTION"}
        if not collection:
            body = {
                "name": name,
                "type": "ASSESSMENT",
                "target_profile_id": PROFILE_ID,
                "title": "Tous les types de questions",
                "landing_text": "**Bienvenue !** Ce parcours dure *10 minutes*.",
                "multiple_sendings": True,
            }

        def attempt() -> Any:
            r = httpx.post(
                f"{campaign}/organisations/{org}/campaigns",
                json=body,
                headers=teacher,
                timeout=30,
            )
            return r.json()["code"] if r.status_code == 201 else None

        return str(until(attempt, "the campaign service never knew the teacher"))

    return School(
        teacher,
        create(ids["PRO"], "Découverte"),
        create(ids["SCO"], "Classe de 3A"),
        create(ids["SCO"], "Collecte des profils", collection=True),
    )


def heading(page: Page) -> str:
    return page.locator("main h1").first.inner_text()


def wait_change(page: Page, before: str) -> None:
    page.wait_for_function(
        "b => (location.pathname + location.search + '|' + "
        "(document.querySelector('main h1') || {}).innerText) !== b",
        arg=before,
        timeout=20_000,
    )


def where(page: Page) -> str:
    return page.evaluate(
        "() => location.pathname + location.search + '|' + "
        "(document.querySelector('main h1') || {}).innerText"
    )


def click_and_wait(page: Page, locator: Any) -> None:
    before = where(page)
    locator.click()
    wait_change(page, before)


def log_in(page: Page, login: str, password: str = PASSWORD) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    click_and_wait(page, page.get_by_role("button", name="Je me connecte"))


def enter_code(page: Page, code: str) -> None:
    click_and_wait(page, page.get_by_role("link", name="J'ai un code").first)
    page.get_by_label("Saisissez le code du parcours").fill(code.lower())
    click_and_wait(page, page.get_by_role("button", name="Commencer mon parcours"))

"""« Suivi en direct » in a real browser: a teacher opens the live view of a campaign; a pupil
joins and answers over the HTTP API; without any reload the page shows the pupil, then their
answers rising (server-sent events, static/live.js); with `?bloque_apres=0` the pupil shows as
stuck. Screenshots in `.local/artifacts/browser/<test>/`; axe-core finds no serious violation.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from assessment.domain.answers import expected_answers
from orga_shared.content.loader import load_release
from tests.browser.flows import PASSWORD, account, cli, token, until
from tests.browser.harness import Shots, Tab, axe_check
from tests.system import System, accept_terms

pytestmark = pytest.mark.e2e
RELEASE = load_release()
LIVE_TIMEOUT = 15_000  # ms: Kafka → analytics → a 2 s poll → the page


def campaign_for(system: System, teacher: dict[str, str], org: str) -> dict[str, Any]:
    def create() -> Any:
        r = httpx.post(
            f"{system.urls['campaign']}/organisations/{org}/campaigns",
            json={
                "name": "Classe de 4B en direct",
                "type": "ASSESSMENT",
                "target_profile_id": "tp-1.1",
            },
            headers=teacher,
            timeout=30,
        )
        return r.json() if r.status_code == 201 else None

    return dict(until(create, "the campaign service never knew the teacher"))


def test_the_teacher_follows_a_pupil_live(system: System, browser_page: Any, shots: Shots) -> None:
    teacher_id, teacher_email = account(system, "Claire", "Martin")
    out = cli(
        system,
        "organisation",
        "create",
        "--name",
        "Collège du direct",
        "--type",
        "PRO",
        "--admin-user-id",
        teacher_id,
    )
    org = json.loads(out[out.index("{") :])["id"]  # log lines come first
    teacher = token(system, teacher_email)
    campaign = campaign_for(system, teacher, org)
    cid, code = campaign["campaign_id"], campaign["code"]
    live = f"/orga/{org}/campagnes/{cid}/direct"

    tab: Tab = browser_page()
    page = tab.page
    accept_terms(system, teacher)  # the terms page is another test's
    page.goto(f"/connexion?suite={live}")
    page.get_by_label("Adresse e-mail ou identifiant").fill(teacher_email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Je me connecte").click()
    page.wait_for_url(f"**{live}")

    expect(page.locator("main h1")).to_have_text("Suivi en direct")
    expect(page.get_by_text("Aucun participant pour le moment")).to_be_visible()
    expect(page.locator("[data-live-state]")).to_have_text("En direct", timeout=LIVE_TIMEOUT)
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads
    shots(page, "empty")
    axe_check(page, "suivi en direct, vide")

    pupil_id, pupil_email = account(system, "Hugo", "Bernard")
    pupil = token(system, pupil_email)

    def join() -> Any:
        r = httpx.post(
            f"{system.urls['assessment']}/participations",
            json={"code": code.lower()},
            headers=pupil,
            timeout=30,
        )
        return r.json() if r.status_code == 201 else None

    challenge = until(join, "assessment never learnt the campaign")["challenge"]
    row = page.locator("#live-rows tr", has_text="Hugo Bernard")
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(row.locator("[data-answers]")).to_have_text("0")
    expect(row).to_contain_text("En cours")
    expect(page.locator("[data-live-summary]")).to_contain_text("1 participant")
    shots(page, "joined")

    for n in range(1, 4):
        value = next(expected_answers(RELEASE.challenges[challenge["id"]]))
        r = httpx.post(
            f"{system.urls['assessment']}/campaigns/{cid}/participation/answers",
            json={"challenge_id": challenge["id"], "value": value},
            headers={**pupil, "Idempotency-Key": str(uuid.uuid4())},
            timeout=30,
        )
        assert r.status_code == 201, r.text
        challenge = r.json()["challenge"]
        expect(row.locator("[data-answers]")).to_have_text(str(n), timeout=LIVE_TIMEOUT)
        shots(page, f"answer-{n}")
    assert challenge is not None  # still in progress: tp-1.1 asks more than 3 questions
    progress = row.locator("[data-progress]").inner_text()
    assert progress.endswith("%") and int(progress.rstrip(" %")) > 0
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    expect(row.locator("[data-stuck]")).to_have_count(0)  # answered seconds ago
    axe_check(page, "suivi en direct, un élève en cours")

    # stuck after 0 minutes: the pupil in progress shows as stuck at once
    page.goto(f"{live}?bloque_apres=0")
    expect(row.locator("[data-stuck]")).to_have_text("Bloqué depuis 0 min")
    expect(page.locator("[data-live-summary]")).to_contain_text("1 bloqué")
    expect(page.locator("[data-live-state]")).to_have_text("En direct", timeout=LIVE_TIMEOUT)
    shots(page, "stuck")
    axe_check(page, "suivi en direct, élève bloqué")
    tab.assert_no_errors()

    # nobody else sees the live view of this campaign
    outsider = httpx.get(
        f"{system.urls['analytics']}/organisations/{org}/campaigns/{cid}/live", headers=pupil
    )
    assert outsider.status_code == 403
    _ = pupil_id

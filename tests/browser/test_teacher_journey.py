"""The guides' journey, teacher and pupil in two browsers on the whole system: the teacher logs
in, accepts the terms, creates a campaign and copies its code; she opens « Suivi en direct »
while a pupil joins in the student app and answers (the live view changes without a reload);
the pupil answers to the end and sends; the teacher sees one result received, the activity
chart, the recommendations with tutorials, the pupil's page, and downloads a CSV holding the
pupil's row under analytics' header. Screenshots of every step in `.local/artifacts/browser/`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import expect

from assessment.domain.answers import expected_answers
from orga_shared.content.loader import load_release
from tests.browser.flows import PASSWORD, account, click_and_wait, enter_code, log_in, token
from tests.browser.harness import Shots, Tab, axe_check
from tests.browser.test_orga_campaigns import new_teacher
from tests.browser.test_student_journey import fill
from tests.system import System

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT = 15_000  # ms: « a few seconds behind at most »
CHART = (
    "sel => { const c = document.querySelector(sel);"
    " return !!(c && window.Chart && window.Chart.getChart(c)); }"
)


def answer_one(page, release) -> None:
    if page.get_by_text("Cette question est chronométrée").count():
        click_and_wait(page, page.get_by_role("link", name="Commencer"))
    challenge_id = page.locator("input[name='challenge_id']").get_attribute("value")
    challenge = release.challenges[str(challenge_id)]
    fill(page, challenge.type, next(expected_answers(challenge)))
    click_and_wait(page, page.get_by_role("button", name="Je valide"))


def test_a_teacher_follows_a_pupil_from_the_code_to_the_csv(
    system: System, browser_page: Callable[..., Tab], shots: Shots
) -> None:
    release = load_release()
    email, organisation = new_teacher(system)
    teacher = browser_page(permissions=["clipboard-read", "clipboard-write"])
    t = teacher.page

    # the teacher: terms on first login, a campaign, its code copied
    t.goto("/connexion?suite=/orga")
    t.get_by_label("Adresse e-mail ou identifiant").fill(email)
    t.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    click_and_wait(t, t.get_by_role("button", name="Je me connecte"))
    click_and_wait(t, t.get_by_role("button", name="J'accepte les conditions d'utilisation"))
    click_and_wait(t, t.get_by_role("link", name="Créer une campagne"))
    t.locator("label[for='type-ASSESSMENT']").click()
    t.locator("#target_profile_id").select_option("tp-1.1")
    t.locator("#name").fill("Classe de 4e A")
    t.get_by_label("Titre du parcours").fill("Mener une recherche")
    shots(t, "enseignant-creation")
    click_and_wait(t, t.get_by_role("button", name="Créer la campagne"))
    expect(t.locator("main h1")).to_have_text("Classe de 4e A")
    code = t.locator("#campaign-code").inner_text().strip()
    t.get_by_role("button", name=f"Copier le code {code}").click()
    assert t.evaluate("navigator.clipboard.readText()") == code
    campaign_url = t.url.split("?")[0].removesuffix("/parametres")
    shots(t, "enseignant-code-copie")

    # « Suivi en direct », open before the pupil arrives
    click_and_wait(t, t.get_by_role("link", name="Suivi en direct"))
    expect(t.locator("main h1")).to_have_text("Suivi en direct")
    expect(t.locator("[data-live-state]")).to_have_text("En direct", timeout=LIVE_TIMEOUT)
    shots(t, "direct-vide")

    # the pupil, in the student app
    _, pupil_email = account(system, "Léo", "Garnier")
    pupil = browser_page()
    p = pupil.page
    log_in(p, pupil_email)
    enter_code(p, code)
    click_and_wait(p, p.get_by_role("button", name="Je commence"))
    click_and_wait(p, p.get_by_role("link", name="Commencer mon parcours"))
    row = t.locator("#live-rows tr", has_text="Léo Garnier")
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT)
    for n in (1, 2, 3):
        answer_one(p, release)
        expect(row.locator("[data-answers]")).to_have_text(str(n), timeout=LIVE_TIMEOUT)
    shots(t, "direct-3-reponses")
    axe_check(t, "suivi en direct")

    # to the end, then « J'envoie mes résultats »
    for _ in range(100):
        path = p.evaluate("location.pathname")
        if path.endswith("/resultats"):
            break
        if path.endswith("/checkpoint"):
            next_step = p.locator("main a.fr-btn", has_text=re.compile("Continuer|résultats"))
            click_and_wait(p, next_step.first)
        else:
            answer_one(p, release)
    click_and_wait(p, p.get_by_role("button", name="J'envoie mes résultats"))
    expect(p.get_by_text("Merci, vos résultats ont bien été envoyés !")).to_be_visible()
    shots(p, "eleve-resultats-envoyes")
    expect(row).to_contain_text("Résultats reçus", timeout=LIVE_TIMEOUT)

    # Activité: one result received, the chart drawn
    t.goto(f"{campaign_url}/activite")
    expect(t.locator("#cards-shared [data-count]")).to_have_text("1", timeout=LIVE_TIMEOUT)
    expect(t.locator("#cards-total [data-count]")).to_have_text("1")
    t.wait_for_function(CHART, arg="canvas[data-chart]")
    shots(t, "activite")

    # Analyse: recommendations with their tutorials
    click_and_wait(t, t.get_by_role("link", name="Analyse", exact=True))
    expect(t.locator("#topics tbody tr")).not_to_have_count(0)
    t.locator("#topics .fr-accordion__btn").first.click()
    expect(t.locator("#topics .fr-collapse a").first).to_be_visible()
    shots(t, "analyse")

    # the pupil's page
    click_and_wait(t, t.get_by_role("link", name="Résultats", exact=True))
    click_and_wait(t, t.locator("#results").get_by_role("link", name="Garnier"))
    expect(t.locator("main h2").first).to_have_text("Léo Garnier")
    expect(t.locator("#participant-result")).to_contain_text("%")
    shots(t, "page-de-l-eleve")

    # the CSV: analytics' header, the pupil's row
    with t.expect_download() as info:
        t.get_by_role("link", name="Exporter les résultats (CSV)").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    campaign_id = campaign_url.rsplit("/", 1)[-1]
    served = httpx.get(
        f"{system.urls['analytics']}/organisations/{organisation}/campaigns/{campaign_id}/export.csv",
        headers=token(system, email),
        timeout=30,
    )
    header = next(csv.reader(io.StringIO(served.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == header
    assert len(rows) == 2, rows
    assert "Garnier" in rows[1] and "Léo" in rows[1], rows[1]
    teacher.assert_no_errors()
    pupil.assert_no_errors()

"""The student's app in a real browser (Debian's Chromium), on the whole system: password and
ENT logins, joining by code, every challenge type, two checkpoints, quitting and resuming,
sending, and « Je retente » once the clock is 4 days later; the forgotten password by e-mail;
the join and answer flow at 360 px and with the keyboard only. Screenshots of every step go to
`.local/artifacts/browser/<test>/`; axe-core finds no serious violation on any page checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from playwright.sync_api import Page, expect

from assessment.domain.answers import expected_answers
from orga_shared.content.loader import build_release
from tests.browser.all_types_release import write_all_types_release
from tests.browser.flows import (
    PASSWORD,
    School,
    account,
    click_and_wait,
    enter_code,
    heading,
    log_in,
    school,
    token,
    wait_change,
    where,
)
from tests.browser.harness import Shots, Tab, axe_check, tab_to
from tests.system import System, start_system

pytestmark = pytest.mark.e2e
__all__ = ["school"]  # the fixture, from flows

TYPES = {"QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"}
FOUR_DAYS = 4 * 24 * 3600


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_all_types_release(tmp_path_factory.mktemp("content") / "release")


@pytest.fixture(scope="module")
def system(infra, tmp_path_factory, release_dir: Path) -> Iterator[System]:
    scratch = tmp_path_factory.mktemp("system")
    with start_system(infra, scratch, extra_env={"ORGA_CONTENT_DIR": str(release_dir)}) as running:
        yield running


# Answering a question screen in the browser


def answer_for(release: Any, challenge_id: str, right: bool) -> tuple[str, str]:
    challenge = release.challenges[challenge_id]
    value = next(expected_answers(challenge))
    if not right:
        value = {"QCU": "9", "QCM": "9"}.get(challenge.type, "zzz")
    return challenge.type, value


def fill(page: Page, kind: str, value: str) -> None:
    """Enter `value` (assessment's answer format) through the page's own inputs."""
    if kind in ("QCU", "QCM"):
        for index in value.split(","):
            label = page.locator(f"label[for='reponse-{index.strip()}']")
            if label.count():
                label.click()
            else:  # a wrong answer: the first proposal (QCU) or none of the right ones
                page.locator("main form label[for^='reponse-']").last.click()
        return
    fields = page.locator("main form [name^='champ_']")
    if kind == "QROC":
        typed = {fields.first.get_attribute("name"): value}
    else:
        mapping = yaml.safe_load(value) if value != "zzz" else {}
        typed = {f"champ_{k}": str(v) for k, v in (mapping or {}).items()}
        if not typed:
            typed = {fields.first.get_attribute("name"): "zzz"}
    for name, text in typed.items():
        field = page.locator(f"main form [name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(text)
        else:
            field.fill(text)


@dataclass
class Walk:
    answers: int = 0
    checkpoints: int = 0
    types: set[str] | None = None
    timed: int = 0


def answer_to_the_end(
    page: Page,
    release: Any,
    shots: Shots,
    *,
    quit_after: int | None = None,
    on_quit: Callable[[], None] | None = None,
    check_a11y: bool = True,
) -> Walk:
    walk = Walk(types=set())
    checked: set[str] = set()
    for _ in range(120):
        path = page.evaluate("location.pathname")
        if path.endswith("/consignes"):
            shots(page, "consignes")
            click_and_wait(page, page.get_by_role("link", name="Commencer mon parcours"))
        elif path.endswith("/checkpoint"):
            walk.checkpoints += 1
            page.locator(".fr-accordion__btn").first.click()
            expect(page.locator(".fr-collapse").first).to_contain_text("Votre réponse")
            shots(page, f"checkpoint-{walk.checkpoints}")
            if check_a11y and walk.checkpoints == 1:
                axe_check(page, "checkpoint")
            next_step = page.locator("main a.fr-btn", has_text=re.compile("Continuer|résultats"))
            click_and_wait(page, next_step.first)
        elif path.endswith("/resultats"):
            return walk
        elif path.endswith("/evaluation"):
            if page.get_by_text("Cette question est chronométrée").count():
                shots(page, "question-chronometree-avertissement")
                click_and_wait(page, page.get_by_role("link", name="Commencer"))
                expect(page.locator("[data-countdown-value]")).to_be_visible()
                walk.timed += 1
            challenge_id = page.locator("input[name='challenge_id']").get_attribute("value")
            assert challenge_id
            walk.answers += 1
            kind, value = answer_for(release, challenge_id, right=walk.answers % 3 != 0)
            walk.types.add(kind)  # type: ignore[union-attr]
            expect(page.locator("main h1")).to_contain_text("Question")
            if walk.answers % 4 == 0:
                shots(page, f"question-{walk.answers}-{kind}-je-passe")
                click_and_wait(page, page.get_by_role("button", name="Je passe"))
            else:
                fill(page, kind, value)
                shots(page, f"question-{walk.answers}-{kind}")
                if check_a11y and kind not in checked:
                    checked.add(kind)
                    axe_check(page, f"question {kind}")
                before = where(page)
                # a double click sends the form once (and the server records an answer once)
                page.get_by_role("button", name="Je valide").dblclick()
                wait_change(page, before)
            if quit_after is not None and walk.answers == quit_after and on_quit:
                on_quit()
        else:
            raise AssertionError(f"unexpected page {path}: {heading(page)}")
    raise AssertionError("the test never ended")


def test_a_pupil_answers_every_type_quits_resumes_sends_and_may_retry_4_days_later(
    system: System,
    school: School,
    browser_page: Callable[..., Tab],
    shots: Shots,
    release_dir: Path,
) -> None:
    release = build_release(release_dir)
    _, email = account(system, "Léa", "Durand")
    tab = browser_page()
    page = tab.page

    page.goto("/connexion")
    shots(page, "connexion")
    axe_check(page, "connexion")
    log_in(page, email)
    expect(page.locator("main h1")).to_have_text("Bonjour Léa")
    shots(page, "accueil")

    enter_code(page, school.pro_code)
    expect(page.locator("main h1")).to_have_text("Tous les types de questions")
    expect(page.locator("main")).to_contain_text("Bienvenue !")
    shots(page, "page-d-accueil-du-parcours")
    axe_check(page, "landing")
    click_and_wait(page, page.get_by_role("button", name="Je commence"))

    def quit_and_resume() -> None:
        question = heading(page)
        click_and_wait(page, page.get_by_role("link", name="Quitter"))
        banner = page.locator(".fr-notice", has_text="Vous n'avez pas terminé le parcours")
        expect(banner).to_be_visible()
        shots(page, "quitte-bandeau-reprendre")
        axe_check(page, "dashboard")
        click_and_wait(page, banner.get_by_role("link", name="Reprendre"))
        assert heading(page) == question, "resumed elsewhere than where the pupil stopped"
        shots(page, "repris")

    walk = answer_to_the_end(page, release, shots, quit_after=2, on_quit=quit_and_resume)
    assert walk.types == TYPES, walk.types
    assert walk.checkpoints >= 2, walk
    assert walk.timed >= 1, "no timed challenge was asked"

    expect(page.locator("main h1")).to_contain_text("Vous maîtrisez")
    shots(page, "resultats")
    axe_check(page, "results")
    click_and_wait(page, page.get_by_role("button", name="J'envoie mes résultats"))
    expect(page.get_by_text("Merci, vos résultats ont bien été envoyés !")).to_be_visible()
    expect(page.get_by_role("button", name="Je retente")).to_have_count(0)
    expect(page.get_by_text("Vous pourrez retenter ce parcours dans 4 jours")).to_be_visible()
    shots(page, "resultats-envoyes")

    # the server recorded each answer once, double clicks included
    headers = token(system, email)
    assessment = system.urls["assessment"]
    mine = httpx.get(f"{assessment}/me/participations", headers=headers, timeout=30).json()
    assert [p["status"] for p in mine] == ["SHARED"]
    participation = httpx.get(
        f"{assessment}/campaigns/{mine[0]['campaign_id']}/participation",
        headers=headers,
        timeout=30,
    ).json()
    assert participation["answer_count"] == walk.answers

    system.move_clock(FOUR_DAYS + 3600)
    page.reload()
    expect(page.get_by_role("button", name="Je retente")).to_be_visible()
    shots(page, "je-retente-4-jours-apres")
    click_and_wait(page, page.get_by_role("button", name="Je retente"))
    expect(page.locator("main h1")).to_contain_text("Question")
    shots(page, "nouvelle-tentative")

    for path, title in (("/profil", "Mon profil"), ("/mes-tutos", "Mes tutos")):
        page.goto(path)
        expect(page.locator("main h1")).to_have_text(title)
        shots(page, title)
        axe_check(page, title)
    expect(page.locator("main")).to_contain_text("Bien chercher sur Internet")
    tab.assert_no_errors()


def test_a_pupil_logs_in_through_the_ent_and_links_the_account_to_the_school(
    system: System, school: School, browser_page: Callable[..., Tab], shots: Shots
) -> None:
    """First ENT login creates the account; the school campaign asks « Un tout petit détail ! »:
    a wrong birth date gets the real French error, the right one links to the SIECLE pupil."""
    tab = browser_page()
    page = tab.page
    page.goto("/connexion")
    click_and_wait(page, page.get_by_role("link", name="Se connecter avec l'ENT"))
    shots(page, "ent-simulateur")
    page.get_by_label("Prénom").fill("Hugo")
    page.get_by_label("Nom", exact=True).fill("Bernard")
    click_and_wait(page, page.get_by_role("button", name="Se connecter à l'ENT"))
    shots(page, "ent-connecte")
    click_and_wait(page, page.get_by_role("button", name="Accéder à Pix"))
    expect(page.locator("main h1")).to_have_text("Bonjour Hugo")
    shots(page, "accueil-ent")

    enter_code(page, school.sco_code)
    click_and_wait(page, page.get_by_role("button", name="Je commence"))
    expect(page.locator("main h1")).to_have_text("Un tout petit détail !")
    expect(page.get_by_label("Prénom")).to_have_value("Hugo")
    axe_check(page, "reconciliation")
    page.get_by_label("Date de naissance").fill("2010-01-01")
    page.get_by_role("button", name="C'est parti !").click()  # the same page comes back
    error = page.locator(".fr-alert--error, .fr-error-text").first
    expect(error).to_be_visible()
    assert re.search(r"[a-zé]", error.inner_text()), error.inner_text()
    shots(page, "rattachement-erreur")
    page.get_by_label("Date de naissance").fill("2009-11-02")
    click_and_wait(page, page.get_by_role("button", name="C'est parti !"))
    expect(page.locator("main h1")).to_have_text("Quelques consignes avant de commencer")
    shots(page, "rattache-consignes")
    click_and_wait(page, page.get_by_role("link", name="Commencer mon parcours"))
    expect(page.locator("main h1")).to_contain_text("Question 1")

    # a profiles collection: the profile is sent in one click (the account is linked already)
    enter_code(page, school.collection_code)
    click_and_wait(page, page.get_by_role("button", name="C'est parti !"))
    expect(page.locator("main h1")).to_have_text("Votre profil Pix")
    expect(page.locator("main")).to_contain_text("pix sur 1024")
    shots(page, "collecte-de-profils")
    axe_check(page, "profiles collection")
    page.get_by_role("button", name="J'envoie mon profil").click()
    expect(page.get_by_text("Merci, vos résultats ont bien été envoyés !")).to_be_visible()
    shots(page, "profil-envoye")
    tab.assert_no_errors()


def test_a_forgotten_password_is_reset_from_the_mail(
    system: System, browser_page: Callable[..., Tab], shots: Shots
) -> None:
    _, email = account(system, "Inès", "Moreau")
    tab = browser_page()
    page = tab.page
    page.goto("/connexion")
    click_and_wait(page, page.get_by_role("link", name="Mot de passe oublié ?"))
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("status")).to_contain_text("réinitialiser votre mot de passe")
    shots(page, "lien-envoye")
    mail = system.mails.wait_for(email)
    link = next(u for u in mail.links if "/mot-de-passe-oublie/" in u)
    page.goto(link)
    page.get_by_label("Nouveau mot de passe").fill("court")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()  # same page again
    expect(page.locator(".fr-error-text")).to_be_visible()
    shots(page, "mot-de-passe-refuse")
    page.get_by_label("Nouveau mot de passe").fill("Nouveau2026x")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié")
    log_in(page, email, "Nouveau2026x")
    expect(page.locator("main h1")).to_have_text("Bonjour Inès")
    shots(page, "connecte-avec-le-nouveau-mot-de-passe")
    tab.assert_no_errors()


def test_at_360_px_with_the_keyboard_only_a_pupil_joins_and_answers(
    system: System,
    school: School,
    browser_page: Callable[..., Tab],
    shots: Shots,
    release_dir: Path,
) -> None:
    """No mouse: Tab moves the focus, Enter and Space act; nothing wider than the screen."""
    release = build_release(release_dir)
    _, email = account(system, "Nathan", "Richard")
    tab = browser_page(mobile=True)
    page = tab.page
    keys = page.keyboard

    def fits() -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{page.url}: the page is {width} px wide at 360 px"

    page.goto("/connexion")
    fits()
    tab_to(page, page.get_by_label("Adresse e-mail ou identifiant"))
    keys.type(email)
    tab_to(page, page.get_by_label("Mot de passe", exact=True))
    keys.type(PASSWORD)
    before = where(page)
    keys.press("Enter")
    wait_change(page, before)
    expect(page.locator("main h1")).to_have_text("Bonjour Nathan")
    fits()
    shots(page, "accueil-360")

    tab_to(page, page.locator("main").get_by_role("link", name="J'ai un code"))
    before = where(page)
    keys.press("Enter")
    wait_change(page, before)
    tab_to(page, page.get_by_label("Saisissez le code du parcours"))
    keys.type(school.pro_code.lower())
    before = where(page)
    keys.press("Enter")
    wait_change(page, before)
    fits()
    shots(page, "parcours-360")
    tab_to(page, page.get_by_role("button", name="Je commence"))
    before = where(page)
    keys.press("Enter")
    wait_change(page, before)
    tab_to(page, page.get_by_role("link", name="Commencer mon parcours"))
    before = where(page)
    keys.press("Enter")
    wait_change(page, before)

    for number in range(1, 4):
        expect(page.locator("main h1")).to_contain_text("Question")
        if page.get_by_text("Cette question est chronométrée").count():
            tab_to(page, page.get_by_role("link", name="Commencer"))
            before = where(page)
            keys.press("Enter")
            wait_change(page, before)
        fits()
        challenge_id = page.locator("input[name='challenge_id']").get_attribute("value")
        kind, value = answer_for(release, str(challenge_id), right=True)
        if kind == "QCU":  # a radio group is one Tab stop; the arrows choose within it
            tab_to(page, page.locator("#reponse-1"))
            keys.press("Space")
            for _ in range(int(value) - 1):
                keys.press("ArrowDown")
            expect(page.locator(f"#reponse-{value}")).to_be_checked()
        elif kind == "QCM":
            for index in value.split(","):
                tab_to(page, page.locator(f"#reponse-{index.strip()}"))
                keys.press("Space")
        else:
            fields = page.locator("main form [name^='champ_']")
            mapping = (
                {fields.first.get_attribute("name"): value}
                if kind == "QROC"
                else {f"champ_{k}": str(v) for k, v in yaml.safe_load(value).items()}
            )
            for name, text in mapping.items():
                field = page.locator(f"main form [name='{name}']")
                tab_to(page, field)
                if field.evaluate("e => e.tagName") == "SELECT":
                    field.select_option(text)  # a native select: the keyboard opens it too
                else:
                    keys.type(text)
        shots(page, f"question-{number}-{kind}-360")
        tab_to(page, page.get_by_role("button", name="Je valide"))
        before = where(page)
        keys.press("Enter")
        wait_change(page, before)
    fits()
    tab.assert_no_errors()

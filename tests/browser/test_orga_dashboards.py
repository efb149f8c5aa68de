"""Pix Orga's campaign dashboards in a real browser, on the whole system: a teacher's campaign
(real `tp-1.1` profile, multiple sendings) that two pupils answered and sent (one of them twice,
4 days later) and a third answered without sending (over the services' HTTP APIs). The teacher
sees the counts (2 received, 1 pending), the charts drawn by Chart.js with their tables, the
results, the recommended topics with their tutorials, a participant's page and the choice
between sendings, and downloads the CSV export (analytics' header, the sent rows with their
results, the unsent one with none). axe finds no serious violation on any page; no console
error or CSP violation.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from assessment.domain.answers import expected_answers
from orga_shared.content.loader import load_release
from tests.browser.flows import PASSWORD, account, cli, click_and_wait, heading, token, until
from tests.browser.harness import Shots, Tab, axe_check
from tests.system import System, accept_terms

pytestmark = pytest.mark.e2e

RELEASE = load_release()


@dataclass
class Campaign:
    teacher_email: str
    teacher: dict[str, str]
    organisation_id: str
    campaign_id: str
    code: str
    pupils: dict[str, str]  # last name → participation id


def answer_all(
    system: System,
    campaign_id: str,
    code: str,
    pupil: dict[str, str],
    skip: int,
    retry: bool = False,
) -> Any:
    """Join (or « Je retente ») and answer every question (every `skip`-th one skipped)."""
    urls = system.urls

    def join() -> Any:
        r = httpx.post(
            f"{urls['assessment']}/participations",
            json={"code": code.lower(), "retry": retry},
            headers=pupil,
            timeout=30,
        )
        return r.json() if r.status_code == 201 else None

    joined = until(join, "assessment never learnt the campaign")
    challenge, answers = joined["challenge"], 0
    while challenge is not None:
        answers += 1
        value = next(expected_answers(RELEASE.challenges[challenge["id"]]))
        body: dict[str, Any] = {"challenge_id": challenge["id"], "value": value}
        if skip and answers % skip == 0:
            body = {"challenge_id": challenge["id"], "skipped": True}
        r = httpx.post(
            f"{urls['assessment']}/campaigns/{campaign_id}/participation/answers",
            json=body,
            headers={**pupil, "Idempotency-Key": str(uuid.uuid4())},
            timeout=30,
        )
        assert r.status_code == 201, r.text
        challenge = r.json()["challenge"]
    mine = httpx.get(
        f"{urls['assessment']}/campaigns/{campaign_id}/participation", headers=pupil, timeout=30
    ).json()
    assert mine["status"] == "TO_SHARE", mine
    return mine


@pytest.fixture(scope="module")
def campaign(system: System) -> Campaign:
    urls = system.urls
    teacher_id, teacher_email = account(system, "Claire", "Martin")
    out = cli(
        system,
        "organisation",
        "create",
        "--name",
        "Entreprise des tableaux",
        "--type",
        "PRO",
        "--admin-user-id",
        teacher_id,
    )
    organisation_id = str(json.loads(out[out.index("{") :])["id"])
    teacher = token(system, teacher_email)
    accept_terms(system, teacher)
    admin_email = f"admin.{uuid.uuid4().hex[:8]}@orga.local"
    cli(system, "identity", "create-admin", "--email", admin_email, "--password", PASSWORD)
    r = httpx.put(
        f"{urls['campaign']}/admin/organisations/{organisation_id}/campaign-settings",
        json={"multiple_sendings_assessment": True},
        headers=token(system, admin_email),
        timeout=30,
    )
    assert r.status_code == 200, r.text

    def create() -> Any:
        r = httpx.post(
            f"{urls['campaign']}/organisations/{organisation_id}/campaigns",
            json={
                "name": "Rentrée numérique",
                "type": "ASSESSMENT",
                "target_profile_id": "tp-1.1",
                "multiple_sendings": True,
            },
            headers=teacher,
            timeout=30,
        )
        return r.json() if r.status_code == 201 else None

    created = until(create, "the campaign service never knew the teacher")
    campaign_id, code = created["campaign_id"], created["code"]
    pupils: dict[str, dict[str, str]] = {}
    for first, last in (("Léa", "Durand"), ("Hugo", "Bernard"), ("Inès", "Petit")):
        _, email = account(system, first, last)
        pupils[last] = token(system, email)
    answer_all(system, campaign_id, code, pupils["Durand"], skip=0)
    answer_all(system, campaign_id, code, pupils["Bernard"], skip=2)
    answer_all(system, campaign_id, code, pupils["Petit"], skip=3)  # finished, never sent

    def share(last: str) -> None:
        r = httpx.post(
            f"{urls['assessment']}/campaigns/{campaign_id}/participation/share",
            headers=pupils[last],
            timeout=30,
        )
        assert r.status_code == 200, r.text

    share("Durand")
    share("Bernard")
    # Bernard sends a second time, « Je retente » being offered 4 days later
    system.move_clock(4 * 24 * 3600 + 3600)
    answer_all(system, campaign_id, code, pupils["Bernard"], skip=0, retry=True)
    share("Bernard")
    base = f"{urls['analytics']}/organisations/{organisation_id}/campaigns/{campaign_id}"

    def named() -> Any:
        rows = httpx.get(f"{base}/participants", headers=teacher, timeout=30).json()["items"]
        names = {r["last_name"]: r["participation_id"] for r in rows}
        counts = {r["last_name"]: r["participation_count"] for r in rows}
        everyone = set(names) == {"Durand", "Bernard", "Petit"} and counts["Bernard"] == 2
        return names if everyone and all(r["status"] != "STARTED" for r in rows) else None

    ids = until(named, "the pupils' names never reached analytics")
    return Campaign(teacher_email, teacher, organisation_id, campaign_id, code, ids)


def logs_in_to(page: Page, email: str, path: str) -> None:
    """Log in from `/connexion?suite=<path>`: the page asked is the one opened after (htmx
    swaps the login form's answer in; the dashboards then ask for a full load, so that their
    scripts come too)."""
    page.goto(f"/connexion?suite={quote(path, safe='/')}")
    page.get_by_label("Adresse e-mail ou identifiant").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Je me connecte").click()
    page.wait_for_function("p => location.pathname === p", arg=path, timeout=20_000)
    page.wait_for_load_state()


def chart_drawn(page: Page, canvas_id: str) -> bool:
    return bool(
        page.evaluate(
            "id => { const c = document.getElementById(id);"
            " return !!(c && window.Chart && window.Chart.getChart(c)); }",
            canvas_id,
        )
    )


def test_the_teacher_follows_a_campaign_on_its_dashboards(
    system: System, campaign: Campaign, browser_page: Any, shots: Shots
) -> None:
    tab: Tab = browser_page()
    page = tab.page
    base = f"/orga/{campaign.organisation_id}/campagnes/{campaign.campaign_id}"
    logs_in_to(page, campaign.teacher_email, f"{base}/activite")

    # « Activité »: the cards, both charts drawn, their tables, the participants list
    expect(page.locator("main h1")).to_have_text("Rentrée numérique")
    expect(page.locator("#cards-total [data-count]")).to_have_text("3")
    expect(page.locator("#cards-shared [data-count]")).to_have_text("2")
    expect(page.locator("#cards-pending [data-count]")).to_have_text("1")
    expect(page.locator("#cards-started [data-count]")).to_have_text("0")
    until(lambda: chart_drawn(page, "chart-timeline"), "the timeline chart", timeout=10)
    until(lambda: chart_drawn(page, "chart-statuses"), "the statuses doughnut", timeout=10)
    statuses = page.locator("#statuses-table tbody tr")
    expect(statuses.filter(has_text="En attente d'envoi")).to_contain_text("1")
    expect(statuses.filter(has_text="Résultats reçus")).to_contain_text("2")
    expect(page.locator("#timeline-table tbody tr")).not_to_have_count(0)
    rows = page.locator("#participants tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Bernard")  # sorted by last name
    expect(rows.filter(has_text="Petit")).to_contain_text("En attente d'envoi")
    shots(page, "activite")
    axe_check(page, "activité")
    page.get_by_role("button", name="Voir les données de l'activité en tableau").click()
    expect(page.locator("#timeline-table")).to_be_visible()
    shots(page, "activite-tableau")

    # filters: status, then a search
    page.get_by_label("Statut", exact=True).select_option("TO_SHARE")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**statut=TO_SHARE**")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Petit")
    page.get_by_label("Statut", exact=True).select_option("")
    page.get_by_label("Rechercher un participant").fill("dura")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**recherche=dura**")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Durand")
    shots(page, "activite-filtre")

    # « Résultats » through the tab (an htmx swap: the bar chart is drawn again)
    click_and_wait(page, page.get_by_role("link", name="Résultats", exact=True))
    expect(page.locator("main h2").first).to_have_text("Résultats (2)")
    until(lambda: chart_drawn(page, "chart-distribution"), "the distribution chart", timeout=10)
    expect(page.locator("#distribution-table tbody tr")).to_have_count(10)
    counts = page.locator("#distribution-table tbody td:nth-child(2)").all_text_contents()
    assert sum(int(c) for c in counts) == 2
    expect(page.locator("#cards-average")).to_contain_text("%")
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(2)
    expect(results.filter(has_text="Petit")).to_have_count(0)  # unsent: never shown
    shots(page, "resultats")
    axe_check(page, "résultats")

    # « Analyse »: the recommended topics with bubbles, labels and tutorials; the competences
    click_and_wait(page, page.get_by_role("link", name="Analyse", exact=True))
    expect(
        page.get_by_role("heading", name="Recommandation de sujets à travailler")
    ).to_be_visible()
    topics = page.locator("#topics tbody tr")
    expect(topics).not_to_have_count(0)
    labels = page.locator("#topics [data-label]").all_text_contents()
    assert set(labels) <= {
        "Très recommandé",
        "Fortement recommandé",
        "Recommandé",
        "Assez recommandé",
    }, labels
    expect(page.locator("#topics .fr-icon-circle-fill").first).to_be_attached()
    expect(page.locator("#competences tbody tr")).not_to_have_count(0)
    with_tutorials = page.locator("#topics .fr-accordion__btn").first
    expect(with_tutorials).to_contain_text("tuto")
    with_tutorials.click()
    tutorial_link = page.locator("#topics .fr-collapse a").first
    expect(tutorial_link).to_be_visible()
    shots(page, "analyse")
    axe_check(page, "analyse")
    # server-side sort: by relevance descending, then by topic
    click_and_wait(page, page.locator("#topics thead a", has_text="Pertinence"))
    assert "tri=-pertinence" in page.url
    click_and_wait(page, page.locator("#topics thead a", has_text="Sujets"))
    assert "tri=sujet" in page.url
    titles = page.locator("#topics tbody tr td:first-child strong").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)

    # a participant's page, from the results list
    page.goto(f"{base}/resultats")
    click_and_wait(page, page.locator("#results").get_by_role("link", name="Durand"))
    assert campaign.pupils["Durand"] in page.url
    expect(page.locator("main h2").first).to_have_text("Léa Durand")
    expect(page.locator("#participant-result")).to_contain_text("%")
    expect(page.locator("#participant-competences tbody tr")).not_to_have_count(0)
    shots(page, "participant")
    axe_check(page, "participant")
    # two sendings: the choice between them
    page.goto(f"{base}/participants/{campaign.pupils['Bernard']}")
    sendings = page.locator("#sendings a")
    expect(sendings).to_have_count(2)
    expect(sendings.nth(1)).to_have_attribute("aria-current", "page")
    click_and_wait(page, sendings.nth(0))
    assert campaign.pupils["Bernard"] not in page.url
    expect(page.locator("#sendings a").nth(0)).to_have_attribute("aria-current", "page")
    expect(page.locator("#participant-result")).to_contain_text("%")
    shots(page, "participant-deux-envois")
    # the pupil who never sent: no result at all
    page.goto(f"{base}/participants/{campaign.pupils['Petit']}")
    expect(page.locator("main")).to_contain_text("n'a pas encore envoyé ses résultats")
    expect(page.locator("#participant-result")).to_have_count(0)
    expect(page.locator("#participant-competences")).to_have_count(0)
    shots(page, "participant-non-envoye")
    axe_check(page, "participant non envoyé")

    # the CSV export: analytics' header and the 2 sent rows
    page.goto(f"{base}/activite")
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporter les résultats (CSV)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8-sig")
    upstream = httpx.get(
        f"{system.urls['analytics']}/organisations/{campaign.organisation_id}"
        f"/campaigns/{campaign.campaign_id}/export.csv",
        headers=campaign.teacher,
        timeout=30,
    )
    assert upstream.status_code == 200
    expected_header = upstream.content.decode("utf-8-sig").splitlines()[0]
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == expected_header
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = table[0], [r for r in table[1:] if r]
    sent = header.index("Partage (O/N)")
    mastery = header.index("% maitrise de l'ensemble des acquis du profil")
    last_name = header.index("Nom du Participant")
    shared_rows = {r[last_name]: r for r in body if r[sent] == "Oui"}
    assert set(shared_rows) == {"Durand", "Bernard"}, body
    assert all(r[mastery] not in ("", "NA") for r in shared_rows.values())
    # analytics exports every participation (docs/domain/pix-orga.md §4.1): the unsent one
    # with no result at all
    [unsent] = [r for r in body if r[sent] != "Oui"]
    assert unsent[last_name] == "Petit" and unsent[sent] == "Non"
    assert unsent[mastery] == "NA"
    assert heading(page) == "Rentrée numérique"
    tab.assert_no_errors()


def test_the_export_keeps_analytics_headers_and_refuses_strangers(
    system: System, campaign: Campaign, browser_page: Any
) -> None:
    tab: Tab = browser_page()
    page = tab.page
    base = f"/orga/{campaign.organisation_id}/campagnes/{campaign.campaign_id}"
    logs_in_to(page, campaign.teacher_email, f"{base}/resultats")
    response = page.request.get(f"{base}/export.csv")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    # a campaign that does not exist: the French 404 page
    missing = page.goto(f"/orga/{campaign.organisation_id}/campagnes/inconnue/activite")
    assert missing is not None and missing.status == 404
    tab.errors.clear()  # the 404 document itself is logged as a failed resource
    # a member of no organisation, terms accepted, is refused the campaign's pages
    other = browser_page()
    _, email = account(system, "Paul", "Inconnu")
    accept_terms(system, token(system, email))
    other.page.goto(f"/connexion?suite={quote(base + '/activite', safe='/')}")
    other.page.get_by_label("Adresse e-mail ou identifiant").fill(email)
    other.page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    other.page.get_by_role("button", name="Je me connecte").click()
    expect(other.page.locator("main h1")).to_have_text("Accès refusé")
    refused = other.page.goto(f"{base}/activite")
    assert refused is not None and refused.status == 403
    expect(other.page.locator("main")).not_to_contain_text("Rentrée numérique")
    other.errors.clear()  # the refused document is logged as a failed resource

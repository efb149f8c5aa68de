"""Pix Orga's « Équipe », « Élèves » and « Places » in a real browser, on the whole system: an
admin invites a colleague by e-mail, the colleague opens the mail's link and accepts, becomes
administrator, then is removed; an admin imports a SIECLE file with a bad line (its French
error is shown with its line number, exactly as organisation wrote it), then a good one, and
finds the pupils in the list, filtered and searched, and on their own page."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from organisation.demo import DEMO_PUPILS, DEMO_STUDENTS, Pupil, siecle_xml, student, sup_csv
from tests.browser.flows import account, cli, click_and_wait, log_in, token, until
from tests.browser.harness import Shots, Tab, axe_check
from tests.system import System, accept_terms

pytestmark = pytest.mark.e2e


@dataclass
class Orgs:
    teacher_email: str
    sco: dict[str, Any]
    pro: dict[str, Any]
    sup: dict[str, Any]


@pytest.fixture(scope="module")
def orgs(system: System) -> Orgs:
    """The demo organisations (a school with SIECLE pupils, a company), Claire admin of all."""
    teacher_id, teacher_email = account(system, "Claire", "Martin")
    out = cli(system, "organisation", "seed", "--admin-user-id", teacher_id)
    listed = json.loads(out[out.index("\n[") :])
    by_type = {o["type"]: o for o in listed}
    accept_terms(
        system, token(system, teacher_email)
    )  # the terms page has its own test (first login)
    return Orgs(teacher_email, by_type["SCO"], by_type["PRO"], by_type["SUP"])


def open_as(browser_page: Callable[..., Tab], email: str) -> Tab:
    tab = browser_page()
    log_in(tab.page, email)
    return tab


def member_row(page: Page, name: str) -> Any:
    return page.locator("#members tbody tr", has_text=name)


def test_an_admin_invites_a_colleague_who_accepts_then_changes_the_role_and_removes_them(
    system: System, orgs: Orgs, browser_page: Callable[..., Tab], shots: Shots
) -> None:
    org = orgs.sco
    team = f"/orga/{org['id']}/equipe"
    _, colleague = account(system, "Paul", "Durand")
    accept_terms(system, token(system, colleague))

    admin = open_as(browser_page, orgs.teacher_email)
    page = admin.page
    page.goto(team)
    expect(page.locator("main h1")).to_have_text("Équipe")
    expect(member_row(page, "Claire Martin")).to_contain_text("Administrateur")
    shots(page, "equipe")
    axe_check(page, "la page Équipe")

    click_and_wait(page, page.get_by_role("link", name="Inviter un membre"))
    axe_check(page, "l'invitation")
    page.get_by_label("Adresse(s) e-mail").fill(f"pas-une-adresse, {colleague}\nnon@")
    page.get_by_role("button", name="Envoyer l'invitation").click()  # the same page, in error
    error = page.locator("#emails-error")
    expect(error).to_contain_text("« pas-une-adresse » n'est pas une adresse e-mail valide.")
    expect(error).to_contain_text("« non@ » n'est pas une adresse e-mail valide.")
    shots(page, "adresse-invalide")
    axe_check(page, "l'invitation en erreur")
    page.get_by_label("Adresse(s) e-mail").fill(f"\n{colleague}\n")
    page.get_by_label("Membre", exact=True).check()
    click_and_wait(page, page.get_by_role("button", name="Envoyer l'invitation"))
    expect(page.get_by_text("L'invitation a été envoyée.")).to_be_visible()
    expect(page.locator("#invitations")).to_contain_text(colleague)
    shots(page, "invitation-en-attente")

    mail = system.mails.wait_for(colleague, "Invitation à rejoindre Pix Orga")
    link = next(u for u in mail.links if "/rejoindre?" in u)
    invited = open_as(browser_page, colleague)
    other = invited.page
    other.goto(link)
    expect(other.locator("main h1")).to_contain_text(org["name"])
    shots(other, "invitation-recue")
    axe_check(other, "l'invitation reçue")
    click_and_wait(other, other.get_by_role("button", name="Accepter l'invitation"))
    expect(other.get_by_role("status")).to_contain_text("en tant que Membre")
    shots(other, "invitation-acceptee")
    invited.assert_no_errors()

    def listed_as_member() -> bool:
        page.goto(team)
        row = member_row(page, "Paul Durand")
        return row.count() == 1 and "Membre" in row.locator(".member-role").inner_text()

    until(listed_as_member, "the colleague never appeared in the team", timeout=30)
    assert page.locator("#invitations").count() == 0  # accepted: no longer pending
    shots(page, "collegue-membre")

    row = member_row(page, "Paul Durand")
    row.get_by_label("Rôle de Paul Durand").select_option("ADMIN")
    click_and_wait(page, row.get_by_role("button", name="Modifier le rôle"))
    expect(page.get_by_text("Le rôle a été modifié.")).to_be_visible()
    expect(member_row(page, "Paul Durand").locator(".member-role")).to_have_text("Administrateur")
    shots(page, "collegue-administrateur")

    click_and_wait(page, member_row(page, "Paul Durand").get_by_role("link", name="Retirer"))
    expect(page.locator("main h1")).to_have_text("Retirer un membre")
    expect(page.locator("main")).to_contain_text("Paul Durand")
    axe_check(page, "la confirmation du retrait")
    shots(page, "confirmation-retrait")
    click_and_wait(page, page.get_by_role("button", name="Oui, retirer le membre"))
    expect(page.get_by_text("Le membre a été retiré de l'équipe.")).to_be_visible()
    expect(member_row(page, "Paul Durand")).to_have_count(0)
    shots(page, "collegue-retire")
    admin.assert_no_errors()


def invite(system: System, orgs: Orgs, org: dict[str, Any], email: str, role: str) -> str:
    r = httpx.post(
        f"{system.urls['organisation']}/organisations/{org['id']}/invitations",
        json={"emails": email, "role": role},
        headers=token(system, orgs.teacher_email),
        timeout=30,
    )
    assert r.status_code == 201, r.text
    return next(u for u in system.mails.wait_for(email).links if "/rejoindre?" in u)


def test_an_anonymous_invitee_logs_in_comes_back_accepts_and_later_leaves(
    system: System, orgs: Orgs, browser_page: Callable[..., Tab], shots: Shots
) -> None:
    org = orgs.pro
    _, colleague = account(system, "Inès", "Moreau")
    link = invite(system, orgs, org, colleague, "ADMIN")
    # the used link's page is a 409 and a member of nothing sees a 403, as they should
    tab = browser_page(allow_errors=True)
    page = tab.page
    page.goto(link)
    expect(page.locator("main h1")).to_contain_text(org["name"])
    shots(page, "invitation-anonyme")
    axe_check(page, "l'invitation, sans être connecté")
    click_and_wait(page, page.get_by_role("link", name="Je me connecte"))
    page.get_by_label("Adresse e-mail ou identifiant").fill(colleague)
    page.get_by_label("Mot de passe", exact=True).fill("Pix123456")
    click_and_wait(page, page.get_by_role("button", name="Je me connecte"))
    assert "/rejoindre?" in page.url, page.url
    click_and_wait(page, page.get_by_role("button", name="Accepter l'invitation"))
    expect(page.get_by_role("status")).to_contain_text("en tant que Administrateur")
    page.goto(link)  # the link serves once
    expect(page.get_by_role("alert")).to_contain_text("déjà été acceptée")
    shots(page, "lien-deja-utilise")
    axe_check(page, "un lien d'invitation déjà utilisé")

    accept_terms(system, token(system, colleague))
    page.goto(f"/orga/{org['id']}/equipe")
    expect(member_row(page, "Inès Moreau")).to_contain_text("Administrateur")
    click_and_wait(page, page.get_by_role("link", name="Quitter l'espace Pix Orga"))
    axe_check(page, "la confirmation avant de quitter")
    shots(page, "quitter")
    click_and_wait(page, page.get_by_role("button", name="Oui, quitter l'espace"))
    expect(page.locator("main h1")).to_have_text("Aucune organisation")
    assert [e for e in tab.errors if "409" not in e and "403" not in e] == [], tab.errors


def test_an_invitee_without_an_account_creates_one_on_the_invitation_page(
    system: System, orgs: Orgs, browser_page: Callable[..., Tab], shots: Shots
) -> None:
    org = orgs.pro
    email = f"nouveau.{uuid.uuid4().hex[:8]}@example.fr"
    link = invite(system, orgs, org, email, "MEMBER")
    tab = browser_page()
    page = tab.page
    page.goto(link)
    page.get_by_label("Prénom").fill("Jules")
    page.get_by_label("Nom", exact=True).fill("Renard")
    page.get_by_label("Mot de passe").fill("faible")
    page.get_by_role("button", name="Créer mon compte et rejoindre l'équipe").click()
    expect(page.locator("#password-error")).to_contain_text("8 caractères")
    shots(page, "mot-de-passe-faible")
    axe_check(page, "la création de compte en erreur")
    page.get_by_label("Mot de passe").fill("Pix123456")
    click_and_wait(page, page.get_by_role("button", name="Créer mon compte et rejoindre l'équipe"))
    expect(page.get_by_role("status")).to_contain_text("Votre compte a été créé")
    expect(page.get_by_role("status")).to_contain_text("en tant que Membre")
    shots(page, "compte-cree")
    mine = httpx.get(
        f"{system.urls['organisation']}/me/organisations",
        headers=token(system, email),
        timeout=30,
    )
    assert [o["id"] for o in mine.json()["data"]] == [org["id"]], mine.text
    tab.assert_no_errors()


def test_an_admin_imports_siecle_sees_each_bad_line_then_finds_the_pupils(
    system: System,
    orgs: Orgs,
    browser_page: Callable[..., Tab],
    shots: Shots,
    tmp_path: Path,
) -> None:
    org = orgs.sco
    uai = org["external_id"]
    bad = siecle_xml(uai, [*DEMO_PUPILS, Pupil("1234567898J", "Lefèvre", "Jade", None, "3C")])
    # four more pupils than the demo's eight: a second page of 10
    extra = [Pupil(f"23456789{n}0L", f"Élève{n}", "Test", "01/01/2010", "4A") for n in range(3)]
    good = siecle_xml(
        uai, [*DEMO_PUPILS, Pupil("1234567899K", "Nouvelle", "Zoé", "12/04/2009"), *extra]
    )
    (tmp_path / "bad.xml").write_bytes(bad)
    (tmp_path / "ElevesSansAdresses.xml").write_bytes(good)
    # what organisation says of the bad file (it writes nothing when it refuses one)
    refused = httpx.post(
        f"{system.urls['organisation']}/organisations/{org['id']}/learners/import-siecle",
        files={"file": ("bad.xml", bad, "text/xml")},
        headers=token(system, orgs.teacher_email),
        timeout=60,
    )
    assert refused.status_code == 422, refused.text
    line_errors = refused.json()["errors"]
    assert len(line_errors) == 1 and line_errors[0]["line"], line_errors

    tab = open_as(browser_page, orgs.teacher_email)
    page = tab.page
    base = f"/orga/{org['id']}/participants"
    page.goto(base)
    expect(page.locator("main h1")).to_have_text("Élèves")
    expect(page.locator("#learners-count")).to_have_text(f"{len(DEMO_PUPILS)} élèves")
    shots(page, "eleves")
    axe_check(page, "la liste des élèves")

    click_and_wait(page, page.get_by_role("link", name="Importer").first)
    axe_check(page, "l'import")
    page.get_by_label("Fichier à importer").set_input_files(str(tmp_path / "bad.xml"))
    page.get_by_role("button", name="Importer", exact=True).click()  # same page: the report
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text(refused.json()["message"])
    for e in line_errors:
        expect(errors).to_contain_text(f"Ligne {e['line']} : {e['message']}")
    shots(page, "import-refuse")
    axe_check(page, "l'import refusé")

    page.get_by_label("Fichier à importer").set_input_files(
        str(tmp_path / "ElevesSansAdresses.xml")
    )
    page.get_by_role("button", name="Importer", exact=True).click()
    report = page.locator("#import-report")
    expect(report).to_contain_text(f"{len(DEMO_PUPILS) + 4} élèves dans le fichier")
    expect(report).to_contain_text("4 ajoutés")
    shots(page, "import-reussi")

    click_and_wait(page, page.get_by_role("link", name="Voir la liste des élèves"))
    expect(page.locator("#learners-count")).to_have_text(f"{len(DEMO_PUPILS) + 4} élèves")
    expect(page.locator("main table")).to_contain_text("Nouvelle")
    page.get_by_label("Lignes par page").select_option("10")
    click_and_wait(page, page.get_by_role("button", name="Afficher"))
    expect(page.locator("main tbody tr")).to_have_count(10)
    click_and_wait(page, page.get_by_role("link", name="Page suivante"))
    expect(page.locator("main tbody tr")).to_have_count(len(DEMO_PUPILS) + 4 - 10)
    shots(page, "page-2")
    axe_check(page, "la deuxième page des élèves")
    page.get_by_label("Classe").select_option("3B")
    click_and_wait(page, page.get_by_role("button", name="Filtrer"))
    expect(page.locator("#learners-count")).to_have_text("3 élèves")
    expect(page.locator("main table")).not_to_contain_text("Bernard")
    shots(page, "filtre-classe")
    click_and_wait(page, page.get_by_role("link", name="Effacer les filtres"))
    page.get_by_label("Rechercher").fill("bernard")
    click_and_wait(page, page.get_by_role("button", name="Filtrer"))
    expect(page.locator("#learners-count")).to_have_text("1 élève")
    expect(page.locator("main tbody tr")).to_contain_text("02/11/2009")
    click_and_wait(page, page.get_by_role("link", name="Bernard"))
    expect(page.locator("main h1")).to_have_text("Hugo Bernard")
    expect(page.locator("main")).to_contain_text("Classe : 3A")
    expect(page.locator("main")).to_contain_text("Aucune participation pour le moment.")
    shots(page, "eleve")
    axe_check(page, "la page d'un élève")

    places = httpx.get(
        f"{system.urls['analytics']}/organisations/{org['id']}/places",
        headers=token(system, orgs.teacher_email),
        timeout=30,
    )
    assert places.status_code == 200, places.text
    page.goto(f"/orga/{org['id']}/places")
    expect(page.locator("#places-occupied")).to_have_text(str(places.json()["occupied"]))
    shots(page, "places")
    axe_check(page, "les places")
    tab.assert_no_errors()


def test_a_university_imports_a_csv_sees_its_bad_lines_and_filters_students_by_group(
    system: System,
    orgs: Orgs,
    browser_page: Callable[..., Tab],
    shots: Shots,
    tmp_path: Path,
) -> None:
    org = orgs.sup
    bad = sup_csv(
        [
            student("23001001", "Lina", "Garcia", "01/02/2004", Groupe="L2"),
            student("23001002", "Noé", "", "31/02/2004", Groupe="L2"),
        ]
    )
    good = sup_csv([student("23001003", "Rose", "Fontaine", "05/06/2004", Groupe="M1")])
    (tmp_path / "bad.csv").write_bytes(bad)
    (tmp_path / "etudiants.csv").write_bytes(good)
    refused = httpx.post(
        f"{system.urls['organisation']}/organisations/{org['id']}/learners/import-csv",
        files={"file": ("bad.csv", bad, "text/csv")},
        headers=token(system, orgs.teacher_email),
        timeout=60,
    )
    assert refused.status_code == 422, refused.text
    line_errors = refused.json()["errors"]
    assert line_errors and all(e["line"] for e in line_errors), line_errors

    tab = open_as(browser_page, orgs.teacher_email)
    page = tab.page
    base = f"/orga/{org['id']}/participants"
    page.goto(f"{base}/import")
    expect(page.locator("main h1")).to_have_text("Importer la liste des étudiants")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle d'import (CSV)").click()
    header = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert header.startswith("Premier prénom;"), header
    page.get_by_label("Fichier à importer").set_input_files(str(tmp_path / "bad.csv"))
    page.get_by_role("button", name="Importer", exact=True).click()
    errors = page.locator("#import-errors")
    for e in line_errors:
        expect(errors).to_contain_text(f"Ligne {e['line']} : {e['message']}")
    shots(page, "import-csv-refuse")
    axe_check(page, "l'import CSV refusé")
    page.get_by_label("Fichier à importer").set_input_files(str(tmp_path / "etudiants.csv"))
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.locator("#import-report")).to_contain_text("1 ajouté")

    page.goto(base)
    expect(page.locator("main h1")).to_have_text("Étudiants")
    expect(page.locator("#learners-count")).to_have_text(f"{len(DEMO_STUDENTS) + 1} étudiants")
    page.get_by_label("Groupe").select_option("M1")
    click_and_wait(page, page.get_by_role("button", name="Filtrer"))
    expect(page.locator("#learners-count")).to_have_text("1 étudiant")
    expect(page.locator("main tbody")).to_contain_text("23001003")
    shots(page, "etudiants-groupe")
    axe_check(page, "la liste des étudiants")
    tab.assert_no_errors()

    phone = browser_page(mobile=True)
    log_in(phone.page, orgs.teacher_email)
    for path in (base, f"/orga/{org['id']}/equipe"):
        phone.page.goto(path)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= phone.page.viewport_size["width"], f"{path}: horizontal scroll {width} px"
        axe_check(phone.page, f"{path} sur un téléphone")
    shots(phone.page, "equipe-mobile")
    phone.assert_no_errors()

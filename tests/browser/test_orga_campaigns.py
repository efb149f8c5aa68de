"""Pix Orga's « Campagnes » in a real browser (Debian's Chromium), on the whole system: a teacher
logs in, accepts the terms, sees the empty state, creates a campaign (a missing name is refused
beside the field, the landing text is previewed as typed), copies its code, edits its title,
duplicates it, archives and unarchives the copy, and deletes it after confirming. Screenshots
of every step go to `.local/artifacts/browser/<test>/`; axe finds no serious violation.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import PASSWORD, account, click_and_wait, heading, token, until
from tests.browser.harness import Shots, axe_check
from tests.system import System
from tests.system import organisation as create_organisation

pytestmark = pytest.mark.e2e

CODE = re.compile(r"^[A-HJKMNP-Z]{6}[2-9]{3}$")


def new_teacher(system: System) -> tuple[str, str]:
    """A teacher, ADMIN of a brand-new organisation (no campaign yet), once the campaign
    service knows the membership. Not the demo organisations: their ids are stable across
    runs, so a run's campaign views may already hold campaigns other runs made in them."""
    teacher_id, email = account(system, "Claire", "Martin")
    organisation = create_organisation(system, "Collège Jean Moulin", "PRO", teacher_id)
    headers = token(system, email)

    def known() -> bool:
        r = httpx.get(
            f"{system.urls['campaign']}/organisations/{organisation}/campaigns",
            headers=headers,
            timeout=30,
        )
        return r.status_code == 200

    until(known, "the campaign service never learnt the teacher's membership")
    return email, organisation


def go(page: Page, locator) -> None:
    click_and_wait(page, locator)
    page.wait_for_load_state("networkidle")


def test_a_teacher_creates_edits_duplicates_archives_and_deletes_campaigns(
    system: System, browser_page, shots: Shots
) -> None:
    email, _ = new_teacher(system)
    tab = browser_page(permissions=["clipboard-read", "clipboard-write"])
    page = tab.page

    # First login: the terms of use, then the empty list
    page.goto("/connexion?suite=/orga")
    page.get_by_label("Adresse e-mail ou identifiant").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    go(page, page.get_by_role("button", name="Je me connecte"))
    assert page.url.endswith("/orga/cgu"), page.url
    shots(page, "cgu")
    axe_check(page, "les conditions d'utilisation")
    go(page, page.get_by_role("button", name="J'accepte les conditions d'utilisation"))
    assert re.search(r"/orga/[^/]+/campagnes$", page.url), page.url
    assert heading(page) == "Créez votre première campagne"
    shots(page, "etat-vide")
    axe_check(page, "la liste vide")
    list_url = page.url

    # Creation: the dependent fields, the preview, a missing name refused beside the field
    go(page, page.get_by_role("link", name="Créer une campagne"))
    assert heading(page) == "Création d'une campagne"
    expect(page.locator("#target_profile_id")).to_be_hidden()
    page.locator("label[for='type-ASSESSMENT']").click()
    expect(page.locator("#target_profile_id")).to_be_visible()
    profile = page.locator("#target_profile_id option:not([value=''])").first
    page.locator("#target_profile_id").select_option(profile.get_attribute("value"))
    page.get_by_label("Titre du parcours").fill("Parcours de rentrée")
    page.get_by_label("Texte de la page d'accueil").fill("**Bienvenue** dans ce *parcours*.")
    expect(page.locator("#landing-preview strong")).to_have_text("Bienvenue")
    expect(page.locator("#landing-preview em")).to_have_text("parcours")
    page.locator("label[for='external_id-oui']").click()
    expect(page.get_by_label("Libellé de l'identifiant externe")).to_be_visible()
    page.locator("label[for='external_id-non']").click()
    shots(page, "formulaire")
    axe_check(page, "le formulaire de création")
    page.get_by_role("button", name="Créer la campagne").click()
    error = page.locator("#name-error")
    expect(error).to_have_text("Veuillez donner un nom à votre campagne.")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Titre du parcours")).to_have_value("Parcours de rentrée")
    shots(page, "nom-manquant")
    axe_check(page, "le formulaire refusé")
    page.locator("#name").fill("Rentrée 6e B")
    go(page, page.get_by_role("button", name="Créer la campagne"))
    assert heading(page) == "Rentrée 6e B"
    assert page.url.endswith("/parametres?fait=creee"), page.url
    campaign_url = page.url.split("?")[0]

    # The header: the code, the direct link, copying
    code = page.locator("#campaign-code").inner_text().strip()
    assert CODE.match(code), code
    link = page.locator("#campaign-link").input_value()
    assert link.endswith(f"/campagnes/{code}"), link
    expect(page.get_by_role("link", name="Activité")).to_have_attribute(
        "href", re.compile(r"/activite$")
    )
    expect(page.get_by_role("link", name="Paramètres")).to_have_attribute("aria-current", "page")
    expect(page.locator("main")).to_contain_text("Parcours de rentrée")
    page.get_by_role("button", name=f"Copier le code {code}").click()
    expect(page.locator("#campaign-code-status")).to_have_text("Copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == code
    page.get_by_role("button", name="Copier le lien direct").click()
    expect(page.locator("#campaign-link-status")).to_have_text("Copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    shots(page, "parametres")
    axe_check(page, "l'onglet Paramètres")

    # Editing the title
    go(page, page.get_by_role("link", name="Modifier"))
    assert heading(page) == "Rentrée 6e B"
    expect(page.get_by_label("Titre du parcours")).to_have_value("Parcours de rentrée")
    shots(page, "modifier")
    axe_check(page, "la modification")
    page.get_by_label("Titre du parcours").fill("Parcours 6e B, septembre")
    go(page, page.get_by_role("button", name="Enregistrer"))
    expect(page.locator(".fr-alert--success")).to_contain_text("modifications ont été enregistrées")
    expect(page.locator("main")).to_contain_text("Parcours 6e B, septembre")
    shots(page, "modifiee")

    # Duplicating opens the copy, with its own code
    go(page, page.get_by_role("button", name="Dupliquer"))
    assert heading(page) == "Copie de Rentrée 6e B"
    copy_code = page.locator("#campaign-code").inner_text().strip()
    assert CODE.match(copy_code) and copy_code != code
    expect(page.locator("main")).to_contain_text("Parcours 6e B, septembre")
    shots(page, "copie")
    copy_url = page.url.split("?")[0]
    assert copy_url != campaign_url

    # Archiving moves it to « Campagnes archivées »; unarchiving brings it back
    page.get_by_role("button", name="Archiver").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("archivée")
    expect(page.get_by_role("button", name="Désarchiver")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    shots(page, "archivee")
    go(
        page,
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Campagnes"),
    )
    assert heading(page) == "Campagnes"
    table = page.locator("main table")
    expect(table).to_contain_text("Rentrée 6e B")
    expect(table).not_to_contain_text("Copie de Rentrée 6e B")
    expect(table).to_contain_text(code)
    shots(page, "liste")
    axe_check(page, "la liste des campagnes")
    go(page, page.get_by_role("link", name="Campagnes archivées"))
    expect(page.locator("main table")).to_contain_text("Copie de Rentrée 6e B")
    expect(page.locator("main table")).not_to_contain_text(code)
    shots(page, "liste-archivees")
    axe_check(page, "les campagnes archivées")
    go(page, page.get_by_role("link", name="Copie de Rentrée 6e B"))
    assert page.url.endswith("/activite"), page.url  # a campaign opens on its activity
    go(page, page.get_by_role("link", name="Paramètres"))
    page.get_by_role("button", name="Désarchiver").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("désarchivée")
    expect(page.get_by_role("button", name="Archiver")).to_be_visible()
    shots(page, "desarchivee")

    # « Toutes les campagnes », the name filter
    page.goto(list_url + "?onglet=toutes")
    page.get_by_label("Nom de la campagne").fill("copie")
    go(page, page.get_by_role("button", name="Filtrer"))
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("1 campagne")
    shots(page, "filtre")
    go(page, page.get_by_role("link", name="Effacer les filtres"))
    expect(page.locator("main table tbody tr")).to_have_count(2)

    # Deleting the copy: select it, confirm (the box is mandatory)
    page.get_by_label("Sélectionner la campagne Copie de Rentrée 6e B").check(force=True)
    go(page, page.get_by_role("button", name="Supprimer la sélection"))
    assert heading(page) == "Supprimer la campagne"
    expect(page.locator("main")).to_contain_text(
        "Toutes les participations à cette campagne et leurs résultats seront supprimés."
    )
    shots(page, "suppression")
    axe_check(page, "la confirmation de suppression")
    page.get_by_role("button", name="Supprimer", exact=True).click()
    expect(page.locator("#confirme-error")).to_have_text(
        "Cochez la case pour confirmer la suppression."
    )
    shots(page, "suppression-non-confirmee")
    page.locator("label[for='confirme']").click()
    go(page, page.get_by_role("button", name="Supprimer", exact=True))
    assert heading(page) == "Campagnes"
    expect(page.locator("main")).to_contain_text("1 campagne supprimée.")
    expect(page.locator("main table")).not_to_contain_text("Copie de Rentrée 6e B")
    expect(page.locator("main table")).to_contain_text("Rentrée 6e B")
    shots(page, "supprimee")
    tab.assert_no_errors()


def test_the_list_and_a_campaign_fit_a_phone(system: System, browser_page, shots: Shots) -> None:
    email, organisation = new_teacher(system)
    headers = token(system, email)
    campaign = system.urls["campaign"]
    profiles = httpx.get(
        f"{campaign}/organisations/{organisation}/target-profiles", headers=headers, timeout=30
    ).json()
    created = httpx.post(
        f"{campaign}/organisations/{organisation}/campaigns",
        json={
            "name": "Groupe de TD 4 — Licence 1 — Parcours numérique, second semestre",
            "type": "ASSESSMENT",
            "target_profile_id": profiles[0]["id"],
            "external_id_label": "Numéro d'étudiant",
            "external_id_type": "STRING",
            "landing_text": "- un\n- deux\n\n[Le site](https://pix.fr)",
        },
        headers=headers,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    campaign_id = created.json()["campaign_id"]
    tab = browser_page(mobile=True)
    page = tab.page
    page.goto(f"/connexion?suite=/orga/{organisation}/campagnes")
    page.get_by_label("Adresse e-mail ou identifiant").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    go(page, page.get_by_role("button", name="Je me connecte"))
    go(page, page.get_by_role("button", name="J'accepte les conditions d'utilisation"))
    assert heading(page) == "Campagnes"
    for path, label in [
        (f"/orga/{organisation}/campagnes?onglet=toutes", "liste"),
        (f"/orga/{organisation}/campagnes/{campaign_id}/parametres", "parametres"),
        (f"/orga/{organisation}/campagnes/nouvelle", "creation"),
        (f"/orga/{organisation}/campagnes/{campaign_id}/modifier", "modification"),
        (f"/orga/{organisation}/campagnes/{campaign_id}/supprimer", "suppression"),
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        shots(page, f"mobile-{label}")
        axe_check(page, f"{label} (mobile)")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{label}: horizontal scroll, {width} px"
    page.goto(f"/orga/{organisation}/campagnes/{campaign_id}/parametres")
    expect(page.locator("main")).to_contain_text("Numéro d'étudiant (Texte)")
    expect(page.locator("main a[href='https://pix.fr']")).to_have_text("Le site")
    tab.assert_no_errors()

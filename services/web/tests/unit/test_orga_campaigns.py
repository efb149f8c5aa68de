"""The Campagnes pages' own logic: what the creation form sends to the campaign service, where
a refusal shows, the list's links and dates."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from web.adapters.api import ApiRefusal
from web.entrypoints.routes.orga_campaigns import (
    CREATE_FIELDS,
    EDIT_FIELDS,
    creation_body,
    day,
    list_query,
    refusal_errors,
)

pytestmark = pytest.mark.unit


def form(**values: str) -> dict[str, str]:
    return {**dict.fromkeys(CREATE_FIELDS, ""), **values}


def test_an_assessment_sends_its_profile_title_and_multiple_sendings() -> None:
    body = creation_body(
        form(
            name="Rentrée",
            type="ASSESSMENT",
            target_profile_id="tp-1.1",
            title="Parcours",
            multiple_sendings="oui",
            external_id="non",
            external_id_label="ignoré",
        )
    )
    assert body["type"] == "ASSESSMENT" and body["target_profile_id"] == "tp-1.1"
    assert body["title"] == "Parcours" and body["multiple_sendings"] is True
    assert "external_id_label" not in body  # « Non » to the external id: no label sent


def test_a_profiles_collection_sends_no_profile_nor_title() -> None:
    body = creation_body(
        form(name="Collecte", type="PROFILES_COLLECTION", target_profile_id="tp-1.1", title="x")
    )
    assert "target_profile_id" not in body and "title" not in body


def test_empty_fields_are_absent_so_the_service_names_what_is_missing() -> None:
    body = creation_body(form(type="autre", external_id="oui", external_id_type="FAX"))
    assert body["name"] is None and body["type"] is None
    assert body["external_id_label"] is None and body["external_id_type"] is None
    assert body["multiple_sendings"] is False


def test_a_refusal_shows_beside_its_field_else_above_the_form() -> None:
    named = ApiRefusal(422, "CAMPAIGN_NAME_IS_REQUIRED", "Veuillez donner un nom.", "name")
    assert refusal_errors(named, CREATE_FIELDS) == ({"name": "Veuillez donner un nom."}, None)
    other = ApiRefusal(409, "CAMPAIGN_ARCHIVED", "Archivée.", "campaign_id")
    assert refusal_errors(other, EDIT_FIELDS) == ({}, "Archivée.")
    unnamed = ApiRefusal(403, "FORBIDDEN", "Interdit.")
    assert refusal_errors(unnamed, CREATE_FIELDS) == ({}, "Interdit.")


def test_list_links_keep_the_filters_and_drop_the_owner_on_my_campaigns() -> None:
    query = parse_qs(urlsplit(list_query("toutes", "archivees", "6e", "Martin", 50, 3)).query)
    assert query == {
        "onglet": ["toutes"],
        "statut": ["archivees"],
        "nom": ["6e"],
        "proprietaire": ["Martin"],
        "taille": ["50"],
        "page": ["3"],
    }
    mine = parse_qs(urlsplit(list_query("mes", "actives", "", "Martin", 25, 1)).query)
    assert mine == {"onglet": ["mes"], "statut": ["actives"]}


def test_dates_read_as_in_the_guides() -> None:
    assert day("2024-07-24T09:30:00Z") == "24/07/2024"
    assert day("2024-07-24T09:30:00+00:00") == "24/07/2024"
    assert day(None) == ""

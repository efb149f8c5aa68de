"""Errors as a client sees them: status, UPPER_SNAKE code, French message, the offending field,
and never more than a short echo of what was sent (docs/architecture.md, issue 8 defects)."""

from __future__ import annotations

import re

import pytest

from organisation.demo import Pupil, siecle_xml

pytestmark = pytest.mark.integration
UAI = "0751234A"
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def assert_error(response, status: int, code: str | None, field: str | None):
    assert response.status_code == status, response.text
    body = response.json()
    assert UPPER_SNAKE.match(body["code"]), body
    if code is not None:
        assert body["code"] == code, body
    assert body["field"] == field, body
    return body


async def test_a_number_as_birthdate_is_bad_input_not_an_unknown_learner(org):
    org_id = await org.create_org(admin="admin-1", external_id=UAI)
    r = await org.client.post(
        f"/organisations/{org_id}/learners/reconcile",
        json={"first_name": "Léa", "last_name": "Martin", "birthdate": 0},
        headers=org.auth("student-1"),
    )
    body = assert_error(r, 422, "INVALID_INPUT", "birthdate")
    assert body["message"] == "Ce champ doit être une date (AAAA-MM-JJ)."


async def test_list_parameters_out_of_range_name_their_field(org):
    org_id = await org.create_org(admin="admin-1", external_id=UAI)
    url = f"/organisations/{org_id}/learners"
    size = await org.client.get(url, params={"size": 100000}, headers=org.auth("admin-1"))
    assert "10, 25, 50 ou 100" in assert_error(size, 422, "INVALID_PAGE_SIZE", "size")["message"]
    empty = await org.client.get(url, params={"certificability": ""}, headers=org.auth("admin-1"))
    assert_error(empty, 422, "INVALID_CERTIFICABILITY", "certificability")
    text = await org.client.get(url, params={"size": "beaucoup"}, headers=org.auth("admin-1"))
    assert_error(text, 422, "INVALID_INPUT", "size")


async def test_a_huge_address_is_not_echoed_back_whole(org):
    org_id = await org.create_org(admin="admin-1", external_id=UAI)
    huge = "a" * 10_000 + "@exemple.fr"
    r = await org.client.post(
        f"/organisations/{org_id}/invitations",
        json={"emails": f"prof@exemple.fr,{huge}"},
        headers=org.auth("admin-1"),
    )
    body = assert_error(r, 422, "INVALID_EMAIL", "emails")
    assert len(r.text) < 1000
    assert body["invalid"] == [huge[:79] + "…"]
    assert org.mails() == []


async def test_the_first_name_search_ignores_accents_and_case(org):
    pupils = [
        Pupil("1111111111A", "Martin", "Éloïse", "14/03/2009", "3A"),
        Pupil("2222222222B", "Bernard", "Zoé", "02/11/2009", "3A"),
        Pupil("3333333333C", "Lopez", "María", "14/03/2009", "3B"),
        Pupil("4444444444D", "Dupré", "Jean", "14/03/2009", "3B"),
    ]
    org_id = await org.create_org(admin="admin-1", external_id=UAI)
    r = await org.client.post(
        f"/organisations/{org_id}/learners/import-siecle",
        content=siecle_xml(UAI, pupils),
        headers=org.auth("admin-1"),
    )
    assert r.status_code == 200, r.text
    for search, first_name in (
        ("eloise", "Éloïse"),
        ("zoe", "Zoé"),
        ("maria", "María"),
        ("dupre", "Jean"),
        ("ZOÉ", "Zoé"),
    ):
        r = await org.client.get(
            f"/organisations/{org_id}/learners",
            params={"search": search},
            headers=org.auth("admin-1"),
        )
        assert [row["first_name"] for row in r.json()["data"]] == [first_name], search


async def test_codes_are_upper_snake_for_kernel_and_domain_refusals(org):
    org_id = await org.create_org(admin="admin-1", external_id=UAI)
    anonymous = await org.client.get(f"/organisations/{org_id}")
    assert_error(anonymous, 401, "UNAUTHENTICATED", None)
    stranger = await org.client.get(f"/organisations/{org_id}", headers=org.auth("nobody"))
    assert_error(stranger, 403, "NOT_A_MEMBER", None)
    accept = await org.client.post("/invitations/x/accept", json={"code": "C"})
    assert_error(accept, 401, "UNAUTHENTICATED", None)
    wrong_type = await org.client.post(
        f"/organisations/{org_id}/invitations",
        content=b"emails=a@b.fr",
        headers={**org.auth("admin-1"), "Content-Type": "text/plain"},
    )
    assert wrong_type.status_code == 415, wrong_type.text


async def test_a_wrong_method_lists_every_method_of_the_path(org):
    org_id = await org.create_org(admin="admin-1", external_id=UAI)
    r = await org.client.put(f"/organisations/{org_id}/invitations", headers=org.auth("admin-1"))
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"

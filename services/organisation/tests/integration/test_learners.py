"""Learner list filters, reconciliation of student accounts, erasure, on the real stack."""

from __future__ import annotations

import json

import pytest

from organisation.demo import Pupil, siecle_xml, student, sup_csv

pytestmark = pytest.mark.integration
UAI = "0751234A"
PUPILS = [
    Pupil("1111111111A", "Martin", "Léa", "14/03/2009", "3A", middle_name="Rose"),
    Pupil("2222222222B", "Bernard", "Hugo", "02/11/2009", "3A"),
    Pupil("3333333333C", "Dubois", "Chloé", "14/03/2009", "3B", preferred_last_name="Roux"),
    Pupil("4444444444D", "Lefebvre", "Mathilde", "09/01/2009", "3B"),
    Pupil("5555555555E", "Petit", "Jean-Éric", "05/05/2009", "3C"),
]


async def school(org, pupils=PUPILS, uai=UAI, admin="admin-1"):
    org_id = await org.create_org(admin=admin, members=("member-1",), external_id=uai)
    r = await org.client.post(
        f"/organisations/{org_id}/learners/import-siecle",
        content=siecle_xml(uai, pupils),
        headers=org.auth(admin),
    )
    assert r.status_code == 200, r.text
    return org_id


async def listing(org, org_id, user="member-1", **params):
    r = await org.client.get(
        f"/organisations/{org_id}/learners", params=params, headers=org.auth(user)
    )
    assert r.status_code == 200, r.text
    return r.json()


async def reconcile(org, org_id, user, first, last, birthdate, **extra):
    return await org.client.post(
        f"/organisations/{org_id}/learners/reconcile",
        json={"first_name": first, "last_name": last, "birthdate": birthdate, **extra},
        headers=org.auth(user),
    )


async def test_list_filters_search_and_pagination(org):
    org_id = await school(org)
    full = await listing(org, org_id)
    assert [d["last_name"] for d in full["data"]] == [
        "Bernard",
        "Dubois",
        "Lefebvre",
        "Martin",
        "Petit",
    ]
    assert full["filters"]["divisions"] == ["3A", "3B", "3C"]
    assert full["meta"]["total"] == 5

    by_class = await listing(org, org_id, division=["3A", "3C"])
    assert [d["first_name"] for d in by_class["data"]] == ["Hugo", "Léa", "Jean-Éric"]
    assert [d["last_name"] for d in (await listing(org, org_id, search="lefeb"))["data"]] == [
        "Lefebvre"
    ]
    fuzzy = await listing(org, org_id, search="mathilde lefevre")  # full-name trigram match
    assert [d["last_name"] for d in fuzzy["data"]] == ["Lefebvre"]
    assert (await listing(org, org_id, search="zzz"))["data"] == []

    page2 = await listing(org, org_id, size=10, page=1)
    assert page2["meta"] == {"page": 1, "size": 10, "total": 5, "page_count": 1}
    r = await org.client.get(
        f"/organisations/{org_id}/learners", params={"size": 7}, headers=org.auth("member-1")
    )
    assert r.status_code == 422

    # certificability comes from shared profiles (assessment); set it as that feed would
    await org.db["learners"].update_one(
        {"organisation_id": org_id, "national_student_id": "2222222222B"},
        {"$set": {"certificability": "eligible"}},
    )
    eligible = await listing(org, org_id, certificability=["eligible"])
    assert [d["first_name"] for d in eligible["data"]] == ["Hugo"]
    unknown = await listing(org, org_id, certificability=["not-available"])
    assert unknown["meta"]["total"] == 4


async def test_reconciliation_with_tolerance_and_refusals(org):
    org_id = await school(org)
    # exact after normalisation
    r = await reconcile(org, org_id, "student-lea", " lea ", "MARTIN", "2009-03-14")
    assert r.status_code == 200, r.text
    assert r.json()["first_name"] == "Léa"
    # again by the same account: fine, nothing new
    before = await org.snapshot()
    assert (
        await reconcile(org, org_id, "student-lea", "Léa", "Martin", "2009-03-14")
    ).status_code == 200
    assert await org.snapshot() == before
    # a typo within a quarter of the typed length; the usage name also matches
    r = await reconcile(org, org_id, "student-mat", "Matilde", "Lefebre", "2009-01-09")
    assert r.status_code == 200
    r = await reconcile(org, org_id, "student-chloe", "Chloe", "Roux", "2009-03-14")
    assert r.status_code == 200 and r.json()["last_name"] == "Dubois"
    # second given name
    r = await reconcile(org, org_id, "other-account", "Rose", "Martin", "2009-03-14")
    assert r.status_code == 409
    assert r.json()["code"] == "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"
    assert r.json()["short_code"] == "R31"
    # the account already owns a learner here
    r = await reconcile(org, org_id, "student-lea", "Hugo", "Bernard", "2009-11-02")
    assert r.status_code == 409 and r.json()["short_code"] == "R70"
    # no such pupil / wrong birth date / too far
    for first, last, birthdate in [
        ("Hugo", "Bernard", "2009-11-03"),
        ("Hubert", "Bernardo", "2009-11-02"),
    ]:
        r = await reconcile(org, org_id, "student-hugo", first, last, birthdate)
        assert r.status_code == 404 and r.json()["code"] == "LEARNER_NOT_FOUND"
    r = await org.client.get(
        f"/organisations/{org_id}/learners/me", headers=org.auth("student-lea")
    )
    assert r.status_code == 200 and r.json()["division"] == "3A"
    types = [e.event_type for e in await org.events()]
    assert types.count("LearnerReconciled") == 3
    listed = await listing(org, org_id, division=["3A"])
    assert [d["linked"] for d in listed["data"]] == [False, True]


async def test_ine_linked_in_another_school_and_automatic_reconciliation(org):
    first = await school(org)
    moved_uai = "0759999Z"
    second = await school(org, [PUPILS[1]], uai=moved_uai, admin="admin-2")
    assert (await reconcile(org, first, "hugo", "Hugo", "Bernard", "2009-11-02")).status_code == 200
    # same INE in the new school, claimed by another account: R11
    r = await reconcile(org, second, "impostor", "Hugo", "Bernard", "2009-11-02")
    assert r.status_code == 409 and r.json()["short_code"] == "R11"
    # Hugo himself is linked automatically through his INE
    r = await org.client.post(
        f"/organisations/{second}/learners/reconcile-auto", headers=org.auth("hugo")
    )
    assert r.status_code == 200 and r.json()["organisation_id"] == second


async def test_sup_reconciliation_needs_the_student_number(org):
    org_id = await org.create_org("SUP", external_id=None, admin="admin-1")
    data = sup_csv([student("ab-12", "Inès", "Moreau", "03/10/2002")])
    r = await org.client.post(
        f"/organisations/{org_id}/learners/import-csv",
        content=data,
        headers={**org.auth("admin-1"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    r = await reconcile(org, org_id, "ines", "Ines", "Moreau", "2002-10-03")
    assert r.status_code == 422 and r.json()["code"] == "STUDENT_NUMBER_REQUIRED"
    r = await reconcile(org, org_id, "ines", "Ines", "Moreau", "2002-10-03", student_number="X")
    assert r.status_code == 404
    r = await reconcile(org, org_id, "ines", "Ines", "Moreau", "2002-10-03", student_number="AB-12")
    assert r.status_code == 200


async def test_erasure_publishes_a_tombstone(org):
    org_id = await school(org, PUPILS[:1])
    learner_id = (await listing(org, org_id))["data"][0]["id"]
    r = await org.client.delete(
        f"/learners/{learner_id}/personal-data", headers=org.auth("admin-1")
    )
    assert r.status_code == 403
    r = await org.client.delete(f"/learners/{learner_id}/personal-data", headers=org.staff)
    assert r.status_code == 204
    records = await org.published(org.settings.profiles_topic, 2)
    mine = [rec for rec in records if rec.key == learner_id.encode()]
    assert json.loads(mine[0].value)["last_name"] == "Martin"
    assert mine[-1].value is None  # tombstone: compaction drops the personal data
    doc = await org.db["learners"].find_one({"_id": learner_id})
    assert doc.get("last_name") is None and doc.get("national_student_id") is None
    assert (await listing(org, org_id))["data"] == []
    assert "LearnerErased" in [e.event_type for e in await org.events()]

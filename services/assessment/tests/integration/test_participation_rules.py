"""Refusals of joining (pix-orga.md §2.5) and sharing (§2.3) over HTTP on the real stack, the
facts they rest on arriving as real events; deletion, erasure, and nothing about results
leaving before they are sent."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from assessment.domain.answers import expected_answers
from orga_shared.content.loader import load_release
from orga_shared.contracts.identity import UserErased

pytestmark = pytest.mark.integration

RELEASE = load_release()
RESULT_WORDS = (
    "mastery",
    "pix",
    "validated",
    "result",
    "knowledge",
    "is_ok",
    "level",
    "score",
    "stage",
    "badge",
    "status_of",
    "correct",
    "solution",
)


async def join(stack, user: str, code: str, **body: Any):
    return await stack.client.post(
        "/participations", json={"code": code, **body}, headers=stack.as_user(user)
    )


async def finish(stack, user: str, campaign_id: str, challenge: dict | None) -> int:
    n = 0
    while challenge is not None:
        n += 1
        value = next(expected_answers(RELEASE.challenges[challenge["id"]]))
        r = await stack.client.post(
            f"/campaigns/{campaign_id}/participation/answers",
            json={"challenge_id": challenge["id"], "value": value},
            headers={**stack.as_user(user), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 201, r.text
        challenge = r.json()["challenge"]
    return n


def refused(response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["field"] == field


async def test_join_refusals_from_the_projected_facts(stack) -> None:
    await stack.organisation("sco", managing_students=True)
    await stack.learner("sco", "learner-1", user_id="pupil-1")
    await stack.learner("sco", "learner-2", user_id="pupil-2", disabled=True)
    campaign = await stack.campaign("sco")
    code = campaign["code"]

    refused(await join(stack, "pupil-1", "NOPE12345"), 404, "CAMPAIGN_CODE_UNKNOWN", "code")

    async def learners_known() -> bool:
        r = await join(stack, "pupil-2", code)
        return r.status_code == 403 and r.json()["code"] == "LEARNER_DISABLED"

    await stack.until(learners_known, "the disabled learner was never projected")
    refused(await join(stack, "stranger", code), 403, "RECONCILIATION_REQUIRED")
    ok = await join(stack, "pupil-1", code)
    assert ok.status_code == 201, ok.text

    # rule 11: the same learner, reconciled later with another account, cannot participate again
    await stack.learner("sco", "learner-1", user_id="pupil-1-bis")

    async def relinked() -> bool:
        r = await join(stack, "pupil-1-bis", code)
        return r.status_code == 409

    await stack.until(relinked, "the second account was never refused")
    refused(await join(stack, "pupil-1-bis", code), 409, "LEARNER_ALREADY_PARTICIPATED")

    await stack.archive(campaign["id"])

    async def archived() -> bool:
        r = await join(stack, "pupil-3", code)
        return r.status_code == 403 and r.json()["code"] == "CAMPAIGN_ARCHIVED"

    await stack.organisation("sco2")
    await stack.until(archived, "the archive never reached assessment")
    # §2.7: someone who participated may still open their participation
    assert (await join(stack, "pupil-1", code)).status_code == 200


async def test_external_id_rules_and_share_refusals(stack) -> None:
    await stack.organisation("sup")
    mail = await stack.campaign("sup", external_id_label="adresse e-mail", external_id_type="EMAIL")
    refused(
        await join(stack, "u1", mail["code"]), 422, "MISSING_EXTERNAL_ID", "participant_external_id"
    )
    refused(
        await join(stack, "u1", mail["code"], participant_external_id="pas-un-mail"),
        422,
        "INVALID_EMAIL",
        "participant_external_id",
    )
    refused(
        await join(stack, "u1", mail["code"], participant_external_id="a" * 300 + "@x.fr"),
        422,
        "EXTERNAL_ID_TOO_LONG",
        "participant_external_id",
    )
    started = await join(stack, "u1", mail["code"], participant_external_id=" eleve@lycee.fr ")
    assert started.status_code == 201 and started.json()["has_external_id"] is True
    pid = started.json()["participation_id"]

    # the external id goes on the compacted topic only, keyed by participation
    async def on_topic() -> bool:
        records = await stack.published("ids")
        return any(r["key"] == pid for r in records)

    await stack.until(on_topic, "the external id was never published")
    [record] = [r for r in await stack.published("ids") if r["key"] == pid]
    assert record["value"]["participant_external_id"] == "eleve@lycee.fr"
    history = [r["value"] for r in await stack.published()]
    assert all("eleve@lycee.fr" not in str(e) for e in history)

    early = await stack.client.post(
        f"/campaigns/{mail['id']}/participation/share", headers=stack.as_user("u1")
    )
    refused(early, 409, "ASSESSMENT_NOT_COMPLETED")
    await finish(stack, "u1", mail["id"], started.json()["challenge"])
    await stack.archive(mail["id"])
    db = stack.db()

    async def archived() -> bool:
        doc = db["campaign_facts"].find_one({"_id": mail["id"]})
        return bool(doc and doc.get("archived"))

    await stack.until(archived, "the archive never reached assessment")
    r = await stack.client.post(
        f"/campaigns/{mail['id']}/participation/share", headers=stack.as_user("u1")
    )
    refused(r, 403, "CAMPAIGN_ARCHIVED")


def result_fields(value: Any, path: str = "") -> list[str]:
    """Every key, at any depth, that names something about results."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if any(w in k.lower() for w in RESULT_WORDS):
                found.append(f"{path}.{k}")
            found += result_fields(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += result_fields(v, f"{path}[{i}]")
    return found


async def test_nothing_about_results_leaves_before_sending(stack) -> None:
    await stack.organisation("org-x")
    await stack.member("org-x", "teacher-x", "ADMIN")
    campaign = await stack.campaign("org-x", owner_id="teacher-x")
    started = await join(stack, "kid", campaign["code"])
    await finish(stack, "kid", campaign["id"], started.json()["challenge"])

    # every event published for the unshared participation
    events = [r["value"] for r in await stack.published()]
    assert {e["event_type"] for e in events} == {
        "ParticipationStarted",
        "AnswerRecorded",
        "AssessmentCompleted",
    }
    for e in events:
        assert result_fields(e["payload"]) == [], e

    # every route an organisation member can call about it
    async def member_sees_it() -> bool:
        r = await stack.client.get(
            f"/organisations/org-x/campaigns/{campaign['id']}/participations",
            headers=stack.as_user("teacher-x"),
        )
        return r.status_code == 200

    await stack.until(member_sees_it, "the membership was never projected")
    teacher_routes = [
        f"/organisations/org-x/campaigns/{campaign['id']}/participations",
    ]
    for route in teacher_routes:
        body = (await stack.client.get(route, headers=stack.as_user("teacher-x"))).json()
        leaks = [f for f in result_fields(body) if f.endswith("mastery_rate")]
        assert all(row.get("mastery_rate") is None for row in body), body
        assert set(result_fields(body)) == set(leaks)
    # the learner's own routes are the learner's: a teacher's token reads nothing there
    theirs = await stack.client.get(
        f"/campaigns/{campaign['id']}/participation", headers=stack.as_user("teacher-x")
    )
    assert theirs.status_code == 404
    # a non-member is refused
    outsider = await stack.client.get(
        f"/organisations/org-x/campaigns/{campaign['id']}/participations",
        headers=stack.as_user("someone"),
    )
    assert outsider.status_code == 403


async def test_deletion_by_teacher_campaign_deletion_and_erasure(stack) -> None:
    await stack.organisation("org-d")
    await stack.member("org-d", "admin-d", "ADMIN")
    await stack.member("org-d", "member-d", "MEMBER")
    campaign = await stack.campaign("org-d", owner_id="admin-d")
    a = (await join(stack, "pupil-a", campaign["code"])).json()
    b = (await join(stack, "pupil-b", campaign["code"])).json()
    route = f"/organisations/org-d/campaigns/{campaign['id']}/participations"

    async def members_known() -> bool:
        r = await stack.client.get(route, headers=stack.as_user("member-d"))
        return r.status_code == 200

    await stack.until(members_known, "memberships never projected")
    r = await stack.client.delete(
        f"{route}/{a['participation_id']}", headers=stack.as_user("member-d")
    )
    refused(r, 403, "NOT_ALLOWED")
    r = await stack.client.delete(
        f"{route}/{a['participation_id']}", headers=stack.as_user("admin-d")
    )
    assert r.status_code == 204
    rows = (await stack.client.get(route, headers=stack.as_user("admin-d"))).json()
    assert [row["participation_id"] for row in rows] == [b["participation_id"]]
    gone = await stack.client.get(
        f"/campaigns/{campaign['id']}/participation", headers=stack.as_user("pupil-a")
    )
    assert gone.status_code == 404
    refused(await join(stack, "pupil-a", campaign["code"], retry=True), 409, "ALREADY_PARTICIPATED")

    # UserErased: pupil-b's participation and its history go
    await stack.publish("identity", "user-pupil-b", UserErased(user_id="pupil-b"))
    db = stack.db()

    async def erased() -> bool:
        return db["participants"].count_documents({"user_id": "pupil-b"}) == 0

    await stack.until(erased, "the erased user's participation stayed")
    assert db["commits"].count_documents({"stream_id": {"$regex": "pupil-b"}}) == 0

    # CampaignDeleted: every participation of the campaign goes
    await stack.delete_campaign(campaign["id"], "org-d")

    async def dropped() -> bool:
        return db["participants"].count_documents({"campaign_id": campaign["id"]}) == 0

    await stack.until(dropped, "the deleted campaign's participations stayed")
    refused(await join(stack, "pupil-c", campaign["code"]), 404, "CAMPAIGN_CODE_UNKNOWN", "code")

"""Knowledge across campaigns, the learner's profile, « Mes tutos », the competence reset after
7 days, and profiles collections (sent in one click, re-sent where the campaign allows it)."""

from __future__ import annotations

import uuid

import pytest

from assessment.domain.answers import expected_answers
from orga_shared.content.loader import load_release

pytestmark = pytest.mark.integration

RELEASE = load_release()


async def play(stack, user: str, code: str, *, right_every: int = 1) -> tuple[str, list[str]]:
    """Join and answer to the end (right every `right_every`-th answer, else skip)."""
    r = await stack.client.post("/participations", json={"code": code}, headers=stack.as_user(user))
    assert r.status_code in (200, 201), r.text
    body = r.json()
    campaign_id, challenge, asked, n = body["campaign_id"], body["challenge"], [], 0
    while challenge is not None:
        n += 1
        asked.append(RELEASE.challenges[challenge["id"]].skill)
        answer = (
            {"value": next(expected_answers(RELEASE.challenges[challenge["id"]]))}
            if n % right_every == 0
            else {"skipped": True}
        )
        r = await stack.client.post(
            f"/campaigns/{campaign_id}/participation/answers",
            json={"challenge_id": challenge["id"], **answer},
            headers={**stack.as_user(user), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 201, r.text
        challenge = r.json()["challenge"]
    return campaign_id, asked


async def test_validated_skills_are_never_asked_again_in_another_campaign(stack) -> None:
    await stack.organisation("org-k")
    first = await stack.campaign("org-k", profile="tp-1.1")
    second = await stack.campaign("org-k", profile="tp-1.1")
    _, asked_first = await play(stack, "learner-k", first["code"])
    assert asked_first
    campaign_id, asked_second = await play(stack, "learner-k", second["code"])
    assert asked_second == [], "skills validated in the first campaign were asked again"
    mine = (
        await stack.client.get(
            f"/campaigns/{campaign_id}/participation", headers=stack.as_user("learner-k")
        )
    ).json()
    assert mine["ended"] and mine["results"]["mastery_rate"] == 1.0


async def test_profile_tutorials_and_competence_reset_after_seven_days(stack) -> None:
    await stack.organisation("org-p")
    campaign = await stack.campaign("org-p", profile="tp-1.1")
    _, asked = await play(stack, "learner-p", campaign["code"], right_every=2)
    skipped = {sid for i, sid in enumerate(asked, start=1) if i % 2}
    profile = (await stack.client.get("/me/profile", headers=stack.as_user("learner-p"))).json()
    assert len(profile["competences"]) == 16 and profile["max_level"] == 7
    assert profile["max_pix_score"] == 1024
    scored = [c for c in profile["competences"] if c["pix"] > 0]
    assert scored and profile["pix_score"] == sum(c["pix"] for c in profile["competences"])
    code = scored[0]["competence"]
    assert scored[0]["remaining_days_before_reset"] == 7

    tutos = (await stack.client.get("/me/tutorials", headers=stack.as_user("learner-p"))).json()
    expected = {sid for sid in skipped if RELEASE.skills[sid].tutorials}
    assert expected, "the scenario should fail a skill that has tutorials"
    assert expected <= {t["skill_id"] for t in tutos}
    assert all(t["tutorial"]["link"].startswith("http") for t in tutos)

    early = await stack.client.post(
        f"/me/competences/{code}/reset", headers=stack.as_user("learner-p")
    )
    assert early.status_code == 409 and early.json()["code"] == "RESET_TOO_EARLY"
    stack.clock.advance(days=7, minutes=1)
    done = await stack.client.post(
        f"/me/competences/{code}/reset", headers=stack.as_user("learner-p")
    )
    assert done.status_code == 200, done.text
    after = {c["competence"]: c for c in done.json()["competences"]}
    assert after[code]["pix"] == 0 and after[code]["level"] == 0

    # the reset skills are asked again in a new campaign on the same profile
    again = await stack.campaign("org-p", profile="tp-1.1")
    _, asked = await play(stack, "learner-p", again["code"])
    reset_skills = {
        s.name for s in RELEASE.campaign_skills(RELEASE.profiles["tp-1.1"]) if s.competence == code
    }
    assert set(asked) & reset_skills


async def test_profiles_collection_is_sent_in_one_click_and_resent_when_allowed(stack) -> None:
    await stack.organisation("org-c")
    await stack.member("org-c", "teacher-c", "ADMIN")
    assessment = await stack.campaign("org-c", profile="tp-1.1")
    await play(stack, "learner-c", assessment["code"])
    collect = await stack.campaign(
        "org-c", profile=None, type_="PROFILES_COLLECTION", multiple_sendings=True
    )
    joined = await stack.client.post(
        "/participations", json={"code": collect["code"]}, headers=stack.as_user("learner-c")
    )
    assert joined.status_code == 201, joined.text
    assert joined.json()["status"] == "TO_SHARE" and joined.json()["challenge"] is None
    sent = await stack.client.post(
        f"/campaigns/{collect['id']}/participation/share", headers=stack.as_user("learner-c")
    )
    assert sent.status_code == 200 and sent.json()["status"] == "SHARED"
    again = await stack.client.post(
        "/participations", json={"code": collect["code"]}, headers=stack.as_user("learner-c")
    )
    assert again.status_code == 201 and again.json()["attempt"] == 2
    resent = await stack.client.post(
        f"/campaigns/{collect['id']}/participation/share", headers=stack.as_user("learner-c")
    )
    assert resent.status_code == 200
    profiles = [
        r["value"]["payload"]
        for r in await stack.published()
        if r["value"]["event_type"] == "ProfileShared"
    ]
    assert len(profiles) == 2
    assert profiles[0]["pix_score"] == sum(c["pix"] for c in profiles[0]["competences"]) > 0
    assert profiles[0]["is_certifiable"] == (profiles[0]["certifiable_competences"] >= 5)

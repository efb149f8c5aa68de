"""The whole participant flow on the real Kafka and database: join → answer to the end →
checkpoints → results → send → retry after 4 days (the app's clock moved by the test)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pymongo import monitoring

from assessment.adapters.store import snapshot_state
from assessment.domain.answers import expected_answers
from orga_shared.content.loader import load_release

pytestmark = pytest.mark.integration

RELEASE = load_release()


def right(challenge_id: str) -> str:
    return next(expected_answers(RELEASE.challenges[challenge_id]))


async def post_answer(
    stack, user: str, campaign_id: str, body: dict[str, Any], key: str | None = None
):
    return await stack.client.post(
        f"/campaigns/{campaign_id}/participation/answers",
        json=body,
        headers={**stack.as_user(user), "Idempotency-Key": key or str(uuid.uuid4())},
    )


async def run_test(stack, user: str, campaign_id: str, first: dict[str, Any], policy) -> list[dict]:
    """Answer until the end; `policy(n, challenge_id)` gives the body. Returns the outcomes."""
    outcomes = []
    challenge = first
    n = 0
    while challenge is not None:
        n += 1
        r = await post_answer(stack, user, campaign_id, policy(n, challenge["id"]))
        assert r.status_code == 201, r.text
        outcome = r.json()
        outcomes.append(outcome)
        challenge = outcome["challenge"]
        assert n < 200, "the test never ended"
    return outcomes


async def test_join_answer_checkpoints_results_and_send(stack) -> None:
    await stack.organisation("org-a")
    await stack.member("org-a", "teacher-1", "ADMIN")
    campaign = await stack.campaign("org-a")
    user = "student-1"
    r = await stack.client.post(
        "/participations",
        json={"code": f"  {campaign['code'].lower()} "},
        headers=stack.as_user(user),
    )
    assert r.status_code == 201, r.text
    joined = r.json()
    assert joined["status"] == "STARTED" and joined["challenge"] is not None
    assert "solution" not in joined["challenge"]
    again = await stack.client.post(
        "/participations", json={"code": campaign["code"]}, headers=stack.as_user(user)
    )
    assert again.status_code == 200
    assert again.json()["participation_id"] == joined["participation_id"]

    # the same answer posted twice is recorded once
    key = str(uuid.uuid4())
    body = {"challenge_id": joined["challenge"]["id"], "value": right(joined["challenge"]["id"])}
    first = await post_answer(stack, user, campaign["id"], body, key)
    assert first.status_code == 201, first.text
    replay = await post_answer(stack, user, campaign["id"], body, key)
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert replay.json()["answer_number"] == 1
    assert replay.json()["challenge"] == first.json()["challenge"]

    # a stale challenge is refused, not recorded
    stale = await post_answer(stack, user, campaign["id"], body)
    assert stale.status_code == 409 and stale.json()["code"] == "NOT_CURRENT_CHALLENGE"

    def policy(n: int, challenge_id: str) -> dict[str, Any]:
        if n % 3 == 0:
            return {"challenge_id": challenge_id, "skipped": True}
        return {"challenge_id": challenge_id, "value": right(challenge_id)}

    rest = await run_test(stack, user, campaign["id"], first.json()["challenge"], policy)
    outcomes = [first.json(), *rest]
    assert [o["answer_number"] for o in outcomes] == list(range(1, len(outcomes) + 1))
    assert all(o["checkpoint"] for o in outcomes if o["answer_number"] % 5 == 0)
    assert outcomes[-1]["ended"] and outcomes[-1]["checkpoint"]

    # the final checkpoint: the answers since the last one, corrected, tutorials of failures
    cp = (
        await stack.client.get(
            f"/campaigns/{campaign['id']}/participation/checkpoint", headers=stack.as_user(user)
        )
    ).json()
    assert cp["ended"] is True
    expected_block = len(outcomes) % 5 or 5
    assert len(cp["answers"]) == expected_block
    for a in cp["answers"]:
        assert a["is_ok"] == (a["result"] == "ok")
        assert a["solution"]
        if a["skipped"]:
            assert a["value"] is None

    mine = (
        await stack.client.get(
            f"/campaigns/{campaign['id']}/participation", headers=stack.as_user(user)
        )
    ).json()
    assert mine["status"] == "TO_SHARE" and mine["ended"] and mine["progression"] == 100
    results = mine["results"]
    assert 0 < results["mastery_rate"] < 1
    assert results["total_skills"] == len(RELEASE.campaign_skills(RELEASE.profiles["tp-1.1"]))
    assert sum(c["total"] for c in results["competences"]) == results["total_skills"]

    # the teacher sees the status, not the results, until they are sent
    listed = await stack.client.get(
        f"/organisations/org-a/campaigns/{campaign['id']}/participations",
        headers=stack.as_user("teacher-1"),
    )
    assert listed.status_code == 200, listed.text
    [row] = listed.json()
    assert row["status"] == "TO_SHARE" and row["mastery_rate"] is None

    shared = await stack.client.post(
        f"/campaigns/{campaign['id']}/participation/share", headers=stack.as_user(user)
    )
    assert shared.status_code == 200, shared.text
    assert shared.json()["status"] == "SHARED"
    twice = await stack.client.post(
        f"/campaigns/{campaign['id']}/participation/share", headers=stack.as_user(user)
    )
    assert twice.status_code == 409 and twice.json()["code"] == "ALREADY_SHARED"
    [row] = (
        await stack.client.get(
            f"/organisations/org-a/campaigns/{campaign['id']}/participations",
            headers=stack.as_user("teacher-1"),
        )
    ).json()
    assert row["status"] == "SHARED"
    assert row["mastery_rate"] == round(results["mastery_rate"], 2)

    events = [r["value"] for r in await stack.published()]
    kinds = [e["event_type"] for e in events]
    assert kinds.count("AnswerRecorded") == len(outcomes)
    assert kinds[0] == "ParticipationStarted" and "AssessmentCompleted" in kinds
    [snapshot] = [e["payload"] for e in events if e["event_type"] == "ResultsShared"]
    assert snapshot["mastery_rate"] == round(results["mastery_rate"], 2)
    assert len(snapshot["skills"]) == results["total_skills"]
    assert {s["status"] for s in snapshot["skills"]} <= {"validated", "invalidated", "untested"}


async def test_retry_after_four_days_asks_only_what_was_failed(stack) -> None:
    await stack.organisation("org-b")
    campaign = await stack.campaign("org-b", multiple_sendings=True)
    user = "student-2"
    joined = (
        await stack.client.post(
            "/participations", json={"code": campaign["code"]}, headers=stack.as_user(user)
        )
    ).json()

    def half(n: int, challenge_id: str) -> dict[str, Any]:
        if n % 2:
            return {"challenge_id": challenge_id, "value": right(challenge_id)}
        return {"challenge_id": challenge_id, "skipped": True}

    first_run = await run_test(stack, user, campaign["id"], joined["challenge"], half)
    shared = await stack.client.post(
        f"/campaigns/{campaign['id']}/participation/share", headers=stack.as_user(user)
    )
    assert shared.status_code == 200
    assert shared.json()["retry"]["can_retry_soon"] is True
    assert shared.json()["retry"]["can_retry"] is False
    assert shared.json()["retry"]["remaining_seconds_before_retrying"] > 3 * 86400

    early = await stack.client.post(
        "/participations",
        json={"code": campaign["code"], "retry": True},
        headers=stack.as_user(user),
    )
    assert early.status_code == 403 and early.json()["code"] == "RETRY_TOO_EARLY"

    stack.clock.advance(days=4, minutes=1)
    mine = (
        await stack.client.get(
            f"/campaigns/{campaign['id']}/participation", headers=stack.as_user(user)
        )
    ).json()
    assert mine["retry"]["can_retry"] is True
    retried = await stack.client.post(
        "/participations",
        json={"code": campaign["code"], "retry": True},
        headers=stack.as_user(user),
    )
    assert retried.status_code == 201, retried.text
    second = retried.json()
    assert second["attempt"] == 2 and second["participation_id"] != joined["participation_id"]

    validated_before = {
        s["skill_id"]
        for e in await stack.published()
        if e["value"]["event_type"] == "ResultsShared"
        for s in e["value"]["payload"]["skills"]
        if s["status"] == "validated"
    }
    asked: list[str] = []
    challenge = second["challenge"]
    while challenge is not None:
        asked.append(RELEASE.challenges[challenge["id"]].skill)
        r = await post_answer(
            stack,
            user,
            campaign["id"],
            {"challenge_id": challenge["id"], "value": right(challenge["id"])},
        )
        challenge = r.json()["challenge"]
    assert asked, "the failures were not asked again"
    assert not set(asked) & validated_before, "a validated skill was asked again"
    assert len(asked) < len(first_run)

    listed = (
        await stack.client.get(
            f"/campaigns/{campaign['id']}/participation", headers=stack.as_user(user)
        )
    ).json()
    assert listed["attempt"] == 2 and listed["status"] == "TO_SHARE"
    db = stack.db()
    snap = db["participants"].find_one({"campaign_id": campaign["id"]})
    assert snapshot_state(snap).attempts[0].improved is True


class Commands(monitoring.CommandListener):
    """Every command the app sends to its own database."""

    def __init__(self) -> None:
        self.db: str | None = None
        self.seen: list[tuple[str, str]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.database_name == self.db:
            target = event.command.get(event.command_name)
            self.seen.append((event.command_name, str(target)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


COMMANDS = Commands()
monitoring.register(COMMANDS)


async def test_one_answer_is_two_writes(stack) -> None:
    """docs/adr/0015: commit insert, snapshot replace (the state this process wrote last is
    kept, so no snapshot read); marks batched."""
    await stack.organisation("org-rt")
    campaign = await stack.campaign("org-rt")
    joined = (
        await stack.client.post(
            "/participations", json={"code": campaign["code"]}, headers=stack.as_user("rt")
        )
    ).json()
    challenge = joined["challenge"]
    COMMANDS.db = stack.db_name
    per_answer = []
    for _ in range(5):
        COMMANDS.seen.clear()
        body = {"challenge_id": challenge["id"], "value": right(challenge["id"])}
        r = await post_answer(stack, "rt", campaign["id"], body)
        challenge = r.json()["challenge"]
        per_answer.append([c for c in COMMANDS.seen if c[1] in ("participants", "commits")])
    COMMANDS.db = None
    for commands in per_answer:
        hot = [c for c in commands if c != ("update", "commits")]  # the batched marks
        assert sorted(hot) == [("insert", "commits"), ("update", "participants")], commands


async def test_a_snapshot_left_behind_by_a_crash_is_caught_up(stack) -> None:
    """The commit is written, the snapshot is not (a crash between the two): reads and the next
    answer fold the missing commit from its `_id` and repair the snapshot (docs/adr/0015)."""
    await stack.organisation("org-crash")
    campaign = await stack.campaign("org-crash")
    joined = (
        await stack.client.post(
            "/participations", json={"code": campaign["code"]}, headers=stack.as_user("cr")
        )
    ).json()
    snapshots = stack.db()["participants"]
    before = snapshots.find_one({"campaign_id": campaign["id"]})
    key = str(uuid.uuid4())
    body = {"challenge_id": joined["challenge"]["id"], "value": right(joined["challenge"]["id"])}
    answered = (await post_answer(stack, "cr", campaign["id"], body, key)).json()
    snapshots.replace_one({"_id": before["_id"]}, before)  # the crash: snapshot still at join

    mine = (
        await stack.client.get(
            f"/campaigns/{campaign['id']}/participation", headers=stack.as_user("cr")
        )
    ).json()
    assert mine["answer_count"] == 1 and mine["challenge"] == answered["challenge"]
    assert snapshots.find_one({"_id": before["_id"]})["version"] > before["version"]

    snapshots.replace_one({"_id": before["_id"]}, before)
    replay = await post_answer(stack, "cr", campaign["id"], body, key)
    assert replay.status_code == 200 and replay.json()["replayed"] is True

    snapshots.replace_one({"_id": before["_id"]}, before)
    nxt = answered["challenge"]
    second = await post_answer(
        stack, "cr", campaign["id"], {"challenge_id": nxt["id"], "value": right(nxt["id"])}
    )
    assert second.status_code == 201, second.text
    assert second.json()["answer_number"] == 2

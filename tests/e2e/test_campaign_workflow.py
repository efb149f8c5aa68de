"""The campaign workflow through every real service and the real Kafka: a teacher's campaign, a
student's adaptive test and sending, and the teacher's dashboards built from the events."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.system import answer_to_the_end, organisation, until

pytestmark = pytest.mark.e2e

PASSWORD = "Pix123456"


def account(identity: str, first: str, last: str) -> tuple[str, dict[str, str]]:
    email = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.fr"
    body = {"email": email, "first_name": first, "last_name": last, "password": PASSWORD}
    created = httpx.post(f"{identity}/users", json=body, timeout=30)
    assert created.status_code == 201, created.text
    token = httpx.post(
        f"{identity}/auth/token", json={"login": email, "password": PASSWORD}, timeout=30
    )
    assert token.status_code == 200, token.text
    return created.json()["id"], {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_student_sends_results_and_the_teacher_sees_them(system) -> None:
    urls = system.urls
    teacher_id, teacher = account(urls["identity"], "Claire", "Martin")
    _, student = account(urls["identity"], "Léa", "Durand")
    org = organisation(system, "Lycée des tests", "PRO", teacher_id)

    def create_campaign() -> Any:
        r = httpx.post(
            f"{urls['campaign']}/organisations/{org}/campaigns",
            json={
                "name": "Rentrée numérique",
                "type": "ASSESSMENT",
                "target_profile_id": "tp-1.1",
                "owner_id": teacher_id,
            },
            headers=teacher,
            timeout=30,
        )
        return r.json() if r.status_code == 201 else None

    campaign = until(create_campaign, "the campaign service never knew the teacher")
    code, campaign_id = campaign["code"], campaign["campaign_id"]

    def join() -> Any:
        r = httpx.post(
            f"{urls['assessment']}/participations",
            json={"code": code.lower()},
            headers=student,
            timeout=30,
        )
        return r.json() if r.status_code == 201 else None

    joined = until(join, "assessment never learnt the campaign")
    answer_to_the_end(system, campaign_id, student, joined["challenge"])
    mine = httpx.get(
        f"{urls['assessment']}/campaigns/{campaign_id}/participation", headers=student, timeout=30
    ).json()
    assert mine["status"] == "TO_SHARE"
    mastery = mine["results"]["mastery_rate"]

    base = f"{urls['analytics']}/organisations/{org}/campaigns/{campaign_id}"

    def activity(expected_shared: int) -> Any:
        r = httpx.get(f"{base}/activity", headers=teacher, timeout=30)
        if (
            r.status_code == 200
            and r.json()["total"] == 1
            and r.json()["shared"] == expected_shared
        ):
            return r.json()
        return None

    before = until(lambda: activity(0), "analytics never counted the participant")
    assert {s["status"]: s["count"] for s in before["statuses"]}["TO_SHARE"] == 1
    results = httpx.get(f"{base}/results", headers=teacher, timeout=30).json()
    assert results["results"] == 0 and results["average_result"] is None

    sent = httpx.post(
        f"{urls['assessment']}/campaigns/{campaign_id}/participation/share",
        headers=student,
        timeout=30,
    )
    assert sent.status_code == 200, sent.text
    until(lambda: activity(1), "analytics never saw the sending")
    results = httpx.get(f"{base}/results", headers=teacher, timeout=30).json()
    assert results["average_result"] == pytest.approx(round(mastery, 2))
    analysis = httpx.get(f"{base}/analysis", headers=teacher, timeout=30).json()
    assert analysis["topics"] and analysis["competences"]

    def named() -> Any:
        rows = httpx.get(f"{base}/participants", headers=teacher, timeout=30).json()["items"]
        return rows if rows and rows[0]["last_name"] == "Durand" else None

    [row] = until(named, "the student's name never reached analytics")
    assert row["first_name"] == "Léa" and row["status"] == "SHARED"
    outsider = httpx.get(f"{base}/activity", headers=student, timeout=30)
    assert outsider.status_code == 403

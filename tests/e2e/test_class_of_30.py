"""A class of 30 takes a campaign at once, over HTTP only: every pupil joins and answers to the
end in parallel (odd answers right, even ones skipped), 20 of them send, and the teacher's
dashboards, participants list, live view and CSV export count them exactly."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.system import answer_body, organisation

pytestmark = pytest.mark.e2e

PASSWORD = "Pix123456"
PUPILS, SENDING = 30, 20


def until(check: Callable[[], tuple[bool, Any]], what: str, timeout: float = 60.0) -> Any:
    """`check()` → (done, value): the value once done; else the last value in the failure."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        done, last = check()
        if done:
            return last
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last})")


async def account(client: httpx.AsyncClient, identity: str, first: str, last: str) -> Any:
    email = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.fr"
    body = {"email": email, "first_name": first, "last_name": last, "password": PASSWORD}
    created = await client.post(f"{identity}/users", json=body)
    assert created.status_code == 201, created.text
    token = await client.post(f"{identity}/auth/token", json={"login": email, "password": PASSWORD})
    assert token.status_code == 200, token.text
    return created.json()["id"], {"Authorization": f"Bearer {token.json()['access_token']}"}


async def take_the_test(
    client: httpx.AsyncClient, urls: dict[str, str], pupil: dict[str, str], code: str, cid: str
) -> int:
    """Join (assessment may learn the campaign a moment after it is created), answer to the
    end: odd answers with the expected value, even ones skipped. The answers given."""
    deadline = time.monotonic() + 60
    while True:
        r = await client.post(
            f"{urls['assessment']}/participations", json={"code": code.lower()}, headers=pupil
        )
        if r.status_code == 201:
            break
        assert time.monotonic() < deadline, f"never joined: {r.status_code} {r.text}"
        await asyncio.sleep(0.5)
    challenge, answers = r.json()["challenge"], 0
    while challenge is not None:
        answers += 1
        r = await client.post(
            f"{urls['assessment']}/campaigns/{cid}/participation/answers",
            json=answer_body(challenge, answers),
            headers={**pupil, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 201, r.text
        challenge = r.json()["challenge"]
        assert answers < 200, "the test never ends"
    mine = await client.get(f"{urls['assessment']}/campaigns/{cid}/participation", headers=pupil)
    assert mine.json()["status"] == "TO_SHARE", mine.text
    return answers


async def the_class(urls: dict[str, str], code: str, cid: str) -> list[int]:
    limits = httpx.Limits(max_connections=PUPILS * 2, max_keepalive_connections=PUPILS * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        pupils = await asyncio.gather(
            *(
                account(client, urls["identity"], f"Élève{i:02d}", f"Classe{i:02d}")
                for i in range(PUPILS)
            )
        )
        answers = await asyncio.gather(
            *(take_the_test(client, urls, headers, code, cid) for _, headers in pupils)
        )
        sent = await asyncio.gather(
            *(
                client.post(f"{urls['assessment']}/campaigns/{cid}/participation/share", headers=h)
                for _, h in pupils[:SENDING]
            )
        )
        assert [r.status_code for r in sent] == [200] * SENDING, [r.text for r in sent]
        return list(answers)


async def a_teacher(identity: str) -> Any:
    async with httpx.AsyncClient(timeout=30) as client:
        return await account(client, identity, "Claire", "Martin")


def test_a_class_of_30_takes_a_campaign_at_once(system) -> None:
    urls = system.urls
    began = time.monotonic()
    teacher_id, teacher = asyncio.run(a_teacher(urls["identity"]))
    org = organisation(system, "Collège des 30", "PRO", teacher_id)

    def create_campaign() -> Any:
        r = httpx.post(
            f"{urls['campaign']}/organisations/{org}/campaigns",
            json={"name": "Classe entière", "type": "ASSESSMENT", "target_profile_id": "tp-1.1"},
            headers=teacher,
            timeout=30,
        )
        return r.status_code == 201, r.json()

    campaign = until(create_campaign, "the campaign service never knew the teacher")
    code, cid = campaign["code"], campaign["campaign_id"]
    ready = time.monotonic()
    answers = asyncio.run(the_class(urls, code, cid))
    answered = time.monotonic()
    assert all(n > 0 for n in answers)

    base = f"{urls['analytics']}/organisations/{org}/campaigns/{cid}"

    def get(path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{base}{path}", headers=teacher, params=params, timeout=30)

    def counted() -> Any:
        r = get("/activity")
        body = r.json() if r.status_code == 200 else {}
        return (body.get("total"), body.get("shared")) == (PUPILS, SENDING), body

    activity = until(counted, "analytics never counted the class", timeout=180)
    statuses = {s["status"]: s["count"] for s in activity["statuses"]}
    assert statuses == {"STARTED": 0, "TO_SHARE": PUPILS - SENDING, "SHARED": SENDING}

    def results() -> Any:
        body = get("/results").json()
        return body["results"] == SENDING, body

    assert until(results, "the results of the 20 sendings", timeout=60)["average_result"]

    def named() -> Any:
        body = get("/participants", size=50).json()
        rows = body["items"]
        named = all(r["last_name"].startswith("Classe") for r in rows)
        return body["total"] == PUPILS and named, rows

    rows = until(named, "the 30 participants with their names", timeout=60)
    assert len(rows) == PUPILS
    assert sorted(r["last_name"] for r in rows) == [f"Classe{i:02d}" for i in range(PUPILS)]

    def live() -> Any:
        body = get("/live").json()
        return body["total"] == PUPILS, body

    view = until(live, "the live view of the class", timeout=60)
    by_name = {r["last_name"]: r for r in view["items"]}
    for i, n in enumerate(answers):
        row = by_name[f"Classe{i:02d}"]
        assert row["answer_count"] == n and row["progression"] == 1.0
        assert row["status"] == ("SHARED" if i < SENDING else "TO_SHARE")
        assert row["stuck_minutes"] is None and "mastery_rate" not in row

    def exported() -> Any:
        r = get("/export.csv")
        if r.status_code != 200:
            return False, r.text
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        return len(table) == 1 + PUPILS, table

    header, *lines = until(exported, "the CSV export of the class", timeout=60)
    sent_column = header.index("Partage (O/N)")
    # every participant is exported (pix-orga.md §4.2); the 20 sendings say « Oui »
    assert sorted(line[sent_column] for line in lines) == ["Non"] * 10 + ["Oui"] * 20
    done = time.monotonic()
    print(
        f"\nclass of {PUPILS}: setup {ready - began:.1f} s, joining and answering "
        f"({sum(answers)} answers, {min(answers)}–{max(answers)} each) and {SENDING} sendings "
        f"{answered - ready:.1f} s, dashboards exact {done - answered:.1f} s later; "
        f"total {done - began:.1f} s"
    )

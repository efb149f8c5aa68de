"""The HTTP side under faults (issue 14), the whole system as real processes on a private
FerretDB (orga_shared.testing.ferretdb) and the shared Kafka:

1. A class answers an assessment campaign, five pupils over the API and one through the web
   app's pages, at once; the database is killed (SIGKILL) and restarted 20 s later on the same
   port and data. During the outage every pupil is told, quickly (the service's 503
   `DATABASE_UNAVAILABLE`, not the web's own timeout), in French, to « réessayez »; the web
   pupil keeps the question on screen. Pupils resend the same answer (same key) until it is
   taken, then go on. At the end each pupil's acknowledged answers are exactly the answers
   recorded: the participation's count, the `AnswerRecorded` events on `assessment.events`
   (numbers 1..n, none twice) and the teacher's live view. A resent answer whose response was
   "lost" is found again (200, `replayed`), never counted twice.
2. Assessment and web are SIGKILLed and restarted mid-campaign: every pupil's test resumes on
   the same question with the same answer count, and assessment's consumers catch up with what
   was published while it was down (a campaign created meanwhile can be joined).

docs/adr/0024-http-under-faults.md.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from orga_shared.events.envelope import Envelope
from orga_shared.testing.ferretdb import PrivateFerretDb
from orga_shared.testing.infra import Infra
from tests.system import (
    PASSWORD,
    System,
    answer_body,
    organisation,
    start_system,
    until,
    wait_ready,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

API_PUPILS = 5
OUTAGE_SECONDS = 20.0
ANSWERS = 12  # each pupil stops there (or at the end of the test)
KILL_AFTER = 3  # the database goes down once every pupil has this many answers
PAUSE = 0.4  # a pupil's time between two answers
STARTS = 3  # the system's start is tried again when a loaded machine makes it miss 120 s
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')


@dataclass
class Faulty:
    system: System
    database: PrivateFerretDb


@pytest.fixture(scope="module")
def faulty(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    scratch = tmp_path_factory.mktemp("faults")
    with PrivateFerretDb(scratch / "ferretdb") as database:
        private = Infra(infra.kafka_bootstrap, database.url, "private-ferretdb")
        with ExitStack() as stack:
            for attempt in range(1, STARTS + 1):
                try:
                    system = stack.enter_context(start_system(private, scratch))
                    break
                except RuntimeError as exc:  # six services starting on a saturated machine
                    if attempt == STARTS or "not ready" not in str(exc):
                        raise
            yield Faulty(system, database)


@dataclass
class Pupil:
    name: str
    user_id: str
    headers: dict[str, str]
    login: str
    acked: list[str] = field(default_factory=list)
    """Challenge ids of the answers the pupil was told were recorded, in order."""
    refusals: list[tuple[int, str, str, float]] = field(default_factory=list)
    """(status, code, message, seconds) of every answer not taken."""
    replayed: int = 0


def settles(check: Callable[[], tuple[bool, Any]], what: str, timeout: float) -> Any:
    """`tests.system.until` with the last value seen in its failure."""
    seen: list[Any] = [None]

    def done() -> Any:
        ok, seen[0] = check()
        return seen[0] if ok else None

    try:
        return until(done, what, timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc} (last: {seen[0]})") from None


async def account(client: httpx.AsyncClient, identity: str, first: str, last: str) -> Pupil:
    login = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.fr"
    body = {"email": login, "first_name": first, "last_name": last, "password": PASSWORD}
    created = await client.post(f"{identity}/users", json=body)
    assert created.status_code == 201, created.text
    token = await client.post(f"{identity}/auth/token", json={"login": login, "password": PASSWORD})
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return Pupil(last, created.json()["id"], headers, login)


def campaign_of(system: System, org: str, teacher: dict[str, str], name: str) -> dict[str, Any]:
    def create() -> tuple[bool, Any]:
        r = httpx.post(
            f"{system.urls['campaign']}/organisations/{org}/campaigns",
            json={"name": name, "type": "ASSESSMENT", "target_profile_id": "tp-1.1"},
            headers=teacher,
            timeout=30,
        )
        return r.status_code == 201, r.json()

    return dict(settles(create, "the campaign service never knew the teacher", 90))


async def join(client: httpx.AsyncClient, urls: dict[str, str], pupil: Pupil, code: str) -> None:
    deadline = time.monotonic() + 60
    while True:  # assessment learns the campaign a moment after it is created
        r = await client.post(
            f"{urls['assessment']}/participations", json={"code": code}, headers=pupil.headers
        )
        if r.status_code in (200, 201):
            return
        assert time.monotonic() < deadline, f"{pupil.name} never joined: {r.text}"
        await asyncio.sleep(0.5)


async def current(
    client: httpx.AsyncClient, urls: dict[str, str], pupil: Pupil, cid: str
) -> dict[str, Any]:
    """The participation, asked again while the database is away."""
    while True:
        r = await client.get(f"{urls['assessment']}/campaigns/{cid}/participation", **_h(pupil))
        if r.status_code == 200:
            return dict(r.json())
        assert r.status_code == 503, r.text
        await asyncio.sleep(1)


def _h(pupil: Pupil) -> dict[str, Any]:
    return {"headers": pupil.headers}


async def api_pupil(
    client: httpx.AsyncClient, urls: dict[str, str], pupil: Pupil, cid: str, limit: int
) -> None:
    """Answer until `limit` answers are taken; a refused answer is resent as it was (same
    body, same key) a second later, as the French message asks."""
    challenge = (await current(client, urls, pupil, cid))["challenge"]
    while challenge is not None and len(pupil.acked) < limit:
        body = answer_body(challenge, len(pupil.acked) + 1)
        headers = {**pupil.headers, "Idempotency-Key": uuid.uuid4().hex}
        while True:
            began = time.monotonic()
            r = await client.post(
                f"{urls['assessment']}/campaigns/{cid}/participation/answers",
                json=body,
                headers=headers,
            )
            took = time.monotonic() - began
            if r.status_code in (200, 201):
                break
            error = r.json()
            pupil.refusals.append((r.status_code, error.get("code"), error.get("message"), took))
            assert r.status_code == 503, f"{pupil.name}: {r.status_code} {r.text}"
            await asyncio.sleep(1)
        outcome = r.json()
        pupil.replayed += bool(outcome["replayed"])
        assert outcome["answer_number"] == len(pupil.acked) + 1, (pupil.name, outcome)
        pupil.acked.append(body["challenge_id"])
        challenge = outcome["challenge"]
        await asyncio.sleep(PAUSE)


class WebPupil:
    """A pupil on the web app's pages (forms with their CSRF token, as a browser sends them)."""

    def __init__(self, web: str, pupil: Pupil, code: str) -> None:
        self.pupil = pupil
        self.code = code
        self.client = httpx.AsyncClient(base_url=web, timeout=30)
        self.pages_503: list[tuple[str, float]] = []
        """(alert, seconds) of every question page given back with « réessayez »."""
        self.error_pages = 0
        self.holding = asyncio.Event()
        self.sent: list[tuple[float, str]] = []
        """(when, where to) of every answer the web app took."""
        """Pages asked for while the database was away (the French error page)."""
        self.hold: tuple[int, asyncio.Event] | None = None
        """(answers, event): with that many answers, keep the question until the event is set
        (so that the pupil presses « Je passe » while the database is away)."""

    async def log_in(self) -> None:
        page = await self.client.get("/connexion")
        form = {"login": self.pupil.login, "password": PASSWORD, "suite": "/accueil"}
        r = await self.client.post("/connexion", data={**form, "csrf_token": _csrf(page.text)})
        assert r.status_code == 303, r.text

    async def join(self) -> None:
        landing = await self.client.get(f"/campagnes/{self.code}")
        assert landing.status_code == 200, landing.text
        deadline = time.monotonic() + 60
        while True:
            r = await self.client.post(
                f"/campagnes/{self.code}/rejoindre",
                data={"csrf_token": _csrf(landing.text), "mode": "start"},
            )
            if r.status_code == 303:
                return
            assert time.monotonic() < deadline, r.text
            await asyncio.sleep(0.5)

    async def question(self) -> httpx.Response | None:
        """The question page (after the checkpoint every 5 answers); None once it is over."""
        path = f"/campagnes/{self.code}/evaluation"
        hops, deadline = 0, time.monotonic() + 120
        while hops < 5 and time.monotonic() < deadline:
            r = await self.client.get(path)
            if r.status_code == 503:  # a French error page while the database is away
                assert "réessayez" in r.text, r.text
                self.error_pages += 1
                await asyncio.sleep(1)
                continue
            hops += 1
            if r.status_code == 200:
                if "?chrono=demarrer" in r.text:  # a timed question's notice
                    path = f"/campagnes/{self.code}/evaluation?chrono=demarrer"
                    continue
                return r
            assert r.status_code == 303, r.text
            target = r.headers["location"]
            if target.endswith("/resultats"):
                return None
            if target.endswith("/checkpoint"):
                assert (await self.client.get(target)).status_code == 200
            path = f"/campagnes/{self.code}/evaluation"
        raise AssertionError(f"no question page for {self.pupil.name}")

    async def answer(self, limit: int) -> None:
        """« Je passe » on every question; a page that says « réessayez » is sent again as is."""
        page = await self.question()
        while page is not None and len(self.pupil.acked) < limit:
            form = dict(HIDDEN.findall(page.text))
            sent = {**form, "action": "passer"}
            if self.hold is not None and self.hold[0] == len(self.pupil.acked):
                self.holding.set()
                await self.hold[1].wait()
            while True:
                began = time.monotonic()
                r = await self.client.post(f"/campagnes/{self.code}/evaluation", data=sent)
                if r.status_code == 303:
                    target = r.headers["location"]
                    assert target.startswith(f"/campagnes/{self.code}/"), target
                    self.sent.append((time.monotonic(), target))
                    break
                took = time.monotonic() - began
                assert r.status_code == 503, f"{r.status_code}: {r.text[:2000]}"
                again = dict(HIDDEN.findall(r.text))
                # the same question, the same key: the pupil only presses the button again
                assert again["challenge_id"] == form["challenge_id"], r.text
                assert again["idempotency_key"] == form["idempotency_key"], r.text
                alert = re.search(r'role="alert">\s*<p>([^<]*)</p>', r.text)
                assert alert is not None and "réessayez" in alert.group(1), r.text
                self.pages_503.append((alert.group(1), took))
                await asyncio.sleep(1)
            self.pupil.acked.append(form["challenge_id"])
            await asyncio.sleep(PAUSE)
            page = await self.question()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'data-csrf="([^"]+)"', html
    )
    assert found is not None, html[:2000]
    return found.group(1)


async def answered_events(bootstrap: str, cid: str, since_ms: int) -> dict[str, list[int]]:
    """user id → the answer numbers of campaign `cid`'s `AnswerRecorded` events on
    `assessment.events` from `since_ms` to the end, one per event id (a republished message is
    the same event; a second event for an answer would be a second number)."""
    found: dict[str, dict[str, int]] = {}
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        topic = "assessment.events"
        # the cluster's metadata (an unsubscribed consumer's own cache stays empty)
        metadata = await consumer._client.fetch_all_metadata()
        parts = [TopicPartition(topic, p) for p in sorted(metadata.partitions_for_topic(topic))]
        assert parts, f"{topic}: no partitions"
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        starts = await consumer.offsets_for_times(dict.fromkeys(parts, since_ms))
        for tp in parts:
            at = starts.get(tp)
            consumer.seek(tp, at.offset if at is not None else ends[tp])
        remaining = {tp for tp in parts if await consumer.position(tp) < ends[tp]}
        deadline = time.monotonic() + 60
        while remaining and time.monotonic() < deadline:
            for tp, records in (await consumer.getmany(timeout_ms=1000)).items():
                for record in records:
                    envelope = Envelope.from_json_bytes(record.value)
                    payload = envelope.payload
                    if (
                        envelope.event_type == "AnswerRecorded"
                        and payload.get("campaign_id") == cid
                    ):
                        mine = found.setdefault(payload["user_id"], {})
                        mine[envelope.event_id] = payload["answer_number"]
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        assert not remaining, "assessment.events not read to its end"
    finally:
        await consumer.stop()
    return {user: sorted(ids.values()) for user, ids in found.items()}


def live_counts(system: System, org: str, cid: str, teacher: dict[str, str]) -> dict[str, int]:
    r = httpx.get(
        f"{system.urls['analytics']}/organisations/{org}/campaigns/{cid}/live",
        headers=teacher,
        timeout=30,
    )
    if r.status_code != 200:
        return {}
    return {row["last_name"]: row["answer_count"] for row in r.json()["items"]}


async def the_outage(
    faulty: Faulty, api: list[Pupil], web: WebPupil, cid: str, client: httpx.AsyncClient
) -> tuple[float, float]:
    urls = faulty.system.urls
    pupils = [
        *(api_pupil(client, urls, p, cid, ANSWERS) for p in api),
        web.answer(ANSWERS),
    ]
    down = asyncio.Event()
    web.hold = (KILL_AFTER, down)
    tasks = [asyncio.create_task(p) for p in pupils]
    everyone = [*api, web.pupil]
    while min(len(p.acked) for p in everyone) < KILL_AFTER or not web.holding.is_set():
        assert not any(t.done() and t.exception() for t in tasks), [t for t in tasks if t.done()]
        await asyncio.sleep(0.1)
    await asyncio.to_thread(faulty.database.kill)
    killed = time.monotonic()
    down.set()
    await asyncio.sleep(OUTAGE_SECONDS)
    await asyncio.to_thread(faulty.database.start)
    back = time.monotonic()
    await asyncio.gather(*tasks)
    return killed, back


def test_the_database_stopped_20_s_while_a_class_answers(faulty: Faulty) -> None:
    system = faulty.system
    urls = system.urls
    began_ms = int(time.time() * 1000) - 5000

    async def setup() -> tuple[Pupil, list[Pupil]]:
        async with httpx.AsyncClient(timeout=30) as client:
            teacher = await account(client, urls["identity"], "Claire", "Martin")
            pupils = await asyncio.gather(
                *(
                    account(client, urls["identity"], f"Élève{i}", f"Panne{i}")
                    for i in range(API_PUPILS + 1)
                )
            )
            return teacher, list(pupils)

    teacher, pupils = asyncio.run(setup())
    org = organisation(system, "Collège en panne", "PRO", teacher.user_id)
    campaign = campaign_of(system, org, teacher.headers, "Panne de base")
    code, cid = campaign["code"], campaign["campaign_id"]
    api, web_pupil = pupils[:API_PUPILS], pupils[API_PUPILS]

    async def class_answers() -> tuple[float, float, WebPupil]:
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            await asyncio.gather(*(join(client, urls, p, code) for p in api))
            web = WebPupil(urls["web"], web_pupil, code)
            try:
                await web.log_in()
                await web.join()
                killed, back = await the_outage(faulty, api, web, cid, client)
                await lost_responses(client, api[0])
            finally:
                await web.client.aclose()
            return killed, back, web

    async def lost_responses(client: httpx.AsyncClient, pupil: Pupil) -> None:
        """Answered, but the response never reached the pupil: the pupil sends it again."""
        mine = await current(client, urls, pupil, cid)
        if mine["challenge"] is None:
            return
        body = answer_body(mine["challenge"], len(pupil.acked) + 1)
        path = f"{urls['assessment']}/campaigns/{cid}/participation/answers"
        headers = {**pupil.headers, "Idempotency-Key": uuid.uuid4().hex}
        first = await client.post(path, json=body, headers=headers)
        assert first.status_code == 201, first.text
        pupil.acked.append(body["challenge_id"])
        again = await client.post(path, json=body, headers=headers)  # the same key
        assert again.status_code == 200, again.text
        assert again.json()["replayed"] is True
        assert again.json()["answer_number"] == first.json()["answer_number"]
        assert again.json()["challenge"] == first.json()["challenge"]
        # a client that lost the key too (a new one for the same question) is refused
        other = {**pupil.headers, "Idempotency-Key": uuid.uuid4().hex}
        twice = await client.post(path, json=body, headers=other)
        assert twice.status_code == 409, twice.text
        assert twice.json()["code"] in ("NOT_CURRENT_CHALLENGE", "ASSESSMENT_ENDED"), twice.text

    killed, back, web = asyncio.run(class_answers())

    # during the outage: the service's own French 503, « réessayez », for every pupil
    for pupil in api:
        assert pupil.refusals, f"{pupil.name} never met the outage"
        for status, code_, message, _ in pupil.refusals:
            assert (status, code_) == (503, "DATABASE_UNAVAILABLE"), pupil.refusals
            assert "réessayez" in message
    assert web.pages_503, (
        f"the web pupil never met the outage: killed {killed:.1f}, back {back:.1f}, "
        f"answers taken {web.sent}, error pages {web.error_pages}"
    )
    slowest = max(took for p in api for *_, took in p.refusals)
    slowest_page = max(took for _, took in web.pages_503)

    # no answer lost, none recorded twice: the participation, the events, the live view
    everyone = [*api, web_pupil]

    async def recorded() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=30) as client:
            return [await current(client, urls, p, cid) for p in everyone]

    for pupil, mine in zip(everyone, asyncio.run(recorded()), strict=True):
        assert mine["answer_count"] == len(pupil.acked), (pupil.name, mine, pupil.acked)
        assert len(set(pupil.acked)) == len(pupil.acked), pupil.acked
        if mine["challenge"] is not None:
            assert mine["challenge"]["id"] not in pupil.acked

    def events() -> tuple[bool, Any]:
        found = asyncio.run(answered_events(system.env["ORGA_KAFKA_BOOTSTRAP"], cid, began_ms))
        wanted = {p.user_id: list(range(1, len(p.acked) + 1)) for p in everyone}
        return found == wanted, found

    settles(events, "every acknowledged answer once on assessment.events", timeout=60)

    def live() -> tuple[bool, Any]:
        counts = live_counts(system, org, cid, teacher.headers)
        return counts == {p.name: len(p.acked) for p in everyone}, counts

    settles(live, "the live view counts every answer once", timeout=120)
    print(
        f"\noutage {back - killed:.1f} s; answers acknowledged "
        f"{[len(p.acked) for p in everyone]}; API refusals "
        f"{sum(len(p.refusals) for p in api)} (slowest {slowest:.1f} s), web question pages "
        f"« réessayez » {len(web.pages_503)} (slowest {slowest_page:.1f} s) and error pages "
        f"{web.error_pages}; "
        f"answers found again on a resend after a 503: {sum(p.replayed for p in api)}"
    )


def kill_and_restart(system: System, name: str) -> None:
    """SIGKILL a service (no shutdown at all) and start it again on its port."""
    proc = system.processes[name]
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    log = Path(system.log(name))
    with log.open("ab") as out:
        restarted = subprocess.Popen(
            [sys.executable, "-m", f"{name}.entrypoints.cli", "serve"],
            env=system.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    restarted.stdout = log.open("rb")
    system.processes[name] = restarted


def test_assessment_and_web_killed_mid_campaign_resume_where_pupils_were(
    faulty: Faulty,
) -> None:
    system = faulty.system
    urls = system.urls

    async def setup() -> tuple[Pupil, list[Pupil]]:
        async with httpx.AsyncClient(timeout=30) as client:
            teacher = await account(client, urls["identity"], "Paul", "Durand")
            pupils = await asyncio.gather(
                *(account(client, urls["identity"], f"Élève{i}", f"Reprise{i}") for i in range(4))
            )
            return teacher, list(pupils)

    teacher, pupils = asyncio.run(setup())
    org = organisation(system, "Collège qui redémarre", "PRO", teacher.user_id)
    campaign = campaign_of(system, org, teacher.headers, "Avant le redémarrage")
    code, cid = campaign["code"], campaign["campaign_id"]
    api, web_pupil = pupils[:3], pupils[3]
    web_session: dict[str, Any] = {}

    async def before() -> tuple[list[dict[str, Any]], str]:
        async with httpx.AsyncClient(timeout=30) as client:
            await asyncio.gather(*(join(client, urls, p, code) for p in api))
            await asyncio.gather(
                *(api_pupil(client, urls, p, cid, n) for p, n in zip(api, (2, 5, 7), strict=True))
            )
            web = WebPupil(urls["web"], web_pupil, code)
            await web.log_in()
            await web.join()
            await web.answer(3)
            page = await web.question()
            assert page is not None
            web_session["cookies"] = dict(web.client.cookies)
            await web.client.aclose()
            return [await current(client, urls, p, cid) for p in api], dict(
                HIDDEN.findall(page.text)
            )["challenge_id"]

    states, web_challenge = asyncio.run(before())
    kill_and_restart(system, "assessment")
    kill_and_restart(system, "web")
    # published while assessment is down: its consumer must catch up to let pupils join
    later = campaign_of(system, org, teacher.headers, "Pendant le redémarrage")
    wait_ready(system)

    async def after() -> tuple[list[dict[str, Any]], str]:
        async with httpx.AsyncClient(timeout=30) as client:
            now = [await current(client, urls, p, cid) for p in api]
            web = WebPupil(urls["web"], web_pupil, code)
            web.client.cookies.update(web_session["cookies"])  # the same browser session
            try:
                page = await web.question()
                assert page is not None
                on_screen = dict(HIDDEN.findall(page.text))["challenge_id"]
                await asyncio.gather(
                    *(api_pupil(client, urls, p, cid, len(p.acked) + 2) for p in api),
                    web.answer(len(web_pupil.acked) + 2),
                )
                await join(client, urls, api[0], later["code"])
            finally:
                await web.client.aclose()
            return now, on_screen

    resumed, on_screen = asyncio.run(after())
    for was, now in zip(states, resumed, strict=True):
        assert (now["answer_count"], now["challenge"]) == (was["answer_count"], was["challenge"])
    assert on_screen == web_challenge
    everyone = [*api, web_pupil]

    def live() -> tuple[bool, Any]:
        counts = live_counts(system, org, cid, teacher.headers)
        return counts == {p.name: len(p.acked) for p in everyone}, counts

    settles(live, "the live view after the restarts", timeout=120)
    print(f"\nresumed after the restarts: answers {[len(p.acked) for p in everyone]}")

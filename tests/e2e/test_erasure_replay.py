"""Erasure that survives replay (docs/adr/0022-erasure-and-compaction.md, docs/design.md §2).

A school imports its pupils from SIECLE; a pupil with distinctive names and e-mail creates a
password account, links it to her imported learner, joins the school's campaign, answers and
sends; a classmate does too. A platform administrator erases her account: identity publishes
the id-only `UserErased` and the tombstones, every service handles them, then a full analytics
replay (`orga-analytics replay`, `make replay`, ADR 16) rebuilds the dashboards from the
history. Afterwards:

- the campaign's figures still count her participation, anonymously: totals, sendings and the
  average result include it, because the real service keeps an erased person's participations
  with their user id set to null (docs/domain/pix-orga.md §2.1, "nullable after
  anonymisation") and a teacher's class figures must not change when a pupil leaves; no list,
  CSV row or live row shows her any more;
- her first name, last name and e-mail appear nowhere: not in any response or CSV of analytics,
  not in any document of any collection of any service's database, not in any record (key or
  value) of any topic, read from the start. The event topics (kept forever) must never have
  carried them; the compacted topics drop them once the log cleaner has run (ADR 22).

The run uses its own topics (`e2e-<id>.<topic>`) with the platform's topic definitions and a
test-only fast compaction (seconds instead of the production day), so compaction is waited for
in the test, and the shared topics of other runs neither pollute nor receive its records.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pymongo
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from orga_shared.messaging.topics import (
    COMPACTED_TOPICS,
    EVENT_TOPICS,
    TopicSpec,
    compacted,
    dlq,
    ensure_topics,
    history,
    nudge_compaction,
    personal_dlq,
)
from orga_shared.names import fold
from orga_shared.testing.infra import Infra
from organisation.demo import Pupil, siecle_xml
from tests.e2e.test_class_of_30 import take_the_test
from tests.system import PASSWORD, System, cli, organisation, start_system, token, until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

UAI = "0759912K"
FIRST, LAST = "Zéphirine", "Quastelbaum"
ERASED = Pupil("0991122334Z", LAST, FIRST, "14/03/2009", "3A")
CLASSMATE = Pupil("0991122335Y", "Ordinaire", "Paul", "02/11/2009", "3A")

# The run's topic for each platform topic (docs/architecture.md), per service setting.
SETTINGS = {
    "identity.events": [
        "IDENTITY_EVENTS_TOPIC",
        "ORGANISATION_IDENTITY_EVENTS_TOPIC",
        "ASSESSMENT_IDENTITY_TOPIC",
        "ANALYTICS_IDENTITY_TOPIC",
    ],
    "identity.user-profiles": [
        "IDENTITY_PROFILES_TOPIC",
        "CAMPAIGN_USER_PROFILES_TOPIC",
        "ANALYTICS_USER_PROFILES_TOPIC",
    ],
    "organisation.events": [
        "ORGANISATION_EVENTS_TOPIC",
        "CAMPAIGN_ORGANISATION_TOPIC",
        "ASSESSMENT_ORGANISATION_TOPIC",
        "ANALYTICS_ORGANISATION_TOPIC",
    ],
    "organisation.learner-profiles": [
        "ORGANISATION_PROFILES_TOPIC",
        "ANALYTICS_LEARNER_PROFILES_TOPIC",
    ],
    "campaign.events": [
        "CAMPAIGN_EVENTS_TOPIC",
        "ASSESSMENT_CAMPAIGN_TOPIC",
        "ANALYTICS_CAMPAIGN_TOPIC",
    ],
    "assessment.events": ["ASSESSMENT_EVENTS_TOPIC", "ANALYTICS_ASSESSMENT_TOPIC"],
    "assessment.participant-ids": [
        "ASSESSMENT_PARTICIPANT_IDS_TOPIC",
        "ANALYTICS_PARTICIPANT_IDS_TOPIC",
    ],
}
# Test-only cleaner settings: a segment rolls after 2 s and any dirty share is worth cleaning;
# the production values are the kernel's (`compacted()` in orga_shared/messaging/topics.py).
FAST_COMPACTION = {"segment.ms": "2000", "max.compaction.lag.ms": "2000"}
FAST_COMPACTION["min.cleanable.dirty.ratio"] = "0.01"


# ---------------------------------------------------------------------------------------------
# what is searched, and where


def needles(email: str) -> list[str]:
    """The forms a name can take once stored: as typed, folded (search keys: lower case, no
    accents), JSON-escaped (`\\u00e9`), and the e-mail."""
    forms = {fold(FIRST), fold(LAST), email.lower()}
    forms |= {json.dumps(FIRST)[1:-1].lower(), FIRST.lower(), LAST.lower()}
    return sorted(forms)


def texts(value: Any) -> Iterator[str]:
    """Every string a stored value holds: keys and values, bytes decoded (UTF-8 and Latin-1,
    as SIECLE writes), compressed bytes inflated."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from texts(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from texts(v)
    elif isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        yield raw.decode("utf-8", errors="replace")
        yield raw.decode("latin-1")
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS, zlib.MAX_WBITS | 16):
            try:
                yield from texts(zlib.decompress(raw, wbits))
            except zlib.error:
                pass
    elif value is not None:
        yield str(value)


def found(value: Any, forms: list[str]) -> list[str]:
    hits = []
    for text in texts(value):
        lowered = text.lower()
        folded = fold(text)
        hits += [f for f in forms if f in lowered or f in folded]
    return hits


def grep_databases(system: System, mongo_url: str, forms: list[str]) -> list[str]:
    """`db.collection _id: forms` for every document of every collection holding one."""
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(mongo_url)
    hits: list[str] = []
    try:
        for name in system.databases:
            db = client[name]
            for collection in db.list_collection_names():
                for doc in db[collection].find({}):
                    if matched := found(doc, forms):
                        hits.append(
                            f"{name}.{collection} {doc.get('_id')!r}: {sorted(set(matched))}"
                        )
    finally:
        client.close()
    return hits


async def records(bootstrap: str, topic: str) -> list[tuple[bytes | None, bytes | None]]:
    """Every record of a topic, from the start to its end offsets: (key, value)."""
    out: list[tuple[bytes | None, bytes | None]] = []
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in await _partitions(consumer, topic)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        starts = await consumer.beginning_offsets(parts)
        todo = {tp for tp in parts if ends[tp] > starts[tp]}
        while todo:
            batch = await consumer.getmany(timeout_ms=1000)
            for tp, recs in batch.items():
                out += [(r.key, r.value) for r in recs if r.offset < ends[tp]]
                if recs and recs[-1].offset >= ends[tp] - 1:
                    todo.discard(tp)
            for tp in list(todo):
                if await consumer.position(tp) >= ends[tp]:
                    todo.discard(tp)
    finally:
        await consumer.stop()
    return out


async def grep_topics(bootstrap: str, topics: list[str], forms: list[str]) -> list[str]:
    hits = []
    for topic in topics:
        for key, value in await records(bootstrap, topic):
            if matched := found([key, value], forms):
                hits.append(f"{topic} key={key!r}: {sorted(set(matched))}")
    return hits


# ---------------------------------------------------------------------------------------------
# waiting for every consumer of the run


async def lags(bootstrap: str, run: str) -> dict[str, int]:
    """Per consumer group of the run: records not yet committed on the topics it reads."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if run in g[0]]
        out: dict[str, int] = {}
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            topics = {tp.topic for tp in committed}
            parts = [
                TopicPartition(t, p)
                for t in topics
                for p in (consumer.partitions_for_topic(t) or await _partitions(consumer, t))
            ]
            ends = await consumer.end_offsets(parts)
            out[group] = sum(
                ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in parts
            )
        return out
    finally:
        await consumer.stop()
        await admin.close()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # a topic this client never asked about
    return consumer.partitions_for_topic(topic) or set()


def settled(bootstrap: str, run: str, groups_at_least: int) -> dict[str, int]:
    """Wait until every consumer group of the run has committed everything, twice in a row
    (a handler may publish what another group then reads)."""
    calm = 0

    def check() -> Any:
        nonlocal calm
        now = asyncio.run(lags(bootstrap, run))
        done = len(now) >= groups_at_least and not any(now.values())
        calm = calm + 1 if done else 0
        return now if calm >= 2 else None

    return until(check, "the services never caught up with the erasure", timeout=120)


# ---------------------------------------------------------------------------------------------
# the run's own topics and system


@pytest.fixture(scope="module")
def topics(infra: Infra) -> Iterator[dict[str, str]]:
    prefix = f"e2e-{uuid.uuid4().hex[:8]}"
    names = {t: f"{prefix}.{t}" for t in (*EVENT_TOPICS, *COMPACTED_TOPICS)}
    specs: list[TopicSpec] = []
    for t in EVENT_TOPICS:
        specs += [history(names[t], 3), history(dlq(names[t]), 1)]
    for t in COMPACTED_TOPICS:
        spec = compacted(names[t], 3)
        specs += [TopicSpec(spec.name, 3, {**spec.configs, **FAST_COMPACTION})]
        specs += [personal_dlq(names[t])]
    asyncio.run(ensure_topics(infra.kafka_bootstrap, specs))
    yield names
    asyncio.run(delete_topics(infra.kafka_bootstrap, [s.name for s in specs]))


async def delete_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


@pytest.fixture(scope="module")
def erasure_system(
    infra: Infra, topics: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    env = {f"ORGA_{s}": topics[t] for t, settings in SETTINGS.items() for s in settings}
    scratch = tmp_path_factory.mktemp("erasure")
    # six services on a shared, loaded machine may take more than the default to be ready
    with start_system(infra, scratch, extra_env=env, ready_timeout=400) as running:
        yield running


# ---------------------------------------------------------------------------------------------
# the school, its pupils, the campaign


def register(system: System, first: str, last: str, email: str) -> tuple[str, dict[str, str]]:
    body = {"email": email, "first_name": first, "last_name": last, "password": PASSWORD}
    r = httpx.post(f"{system.urls['identity']}/users", json=body, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["id"], token(system, email)


def link(system: System, org: str, pupil: Pupil, headers: dict[str, str]) -> str:
    """The pupil links her account to her imported learner (names + birth date, SCO)."""
    day, month, year = (pupil.birthdate or "").split("/")
    body = {
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "birthdate": f"{year}-{month}-{day}",
    }

    url = f"{system.urls['organisation']}/organisations/{org}/learners/reconcile"
    return str(
        post_until(url, 200, "organisation never linked the pupil", headers, json=body)["id"]
    )


def post_until(url: str, status: int, what: str, headers: dict[str, str], **body: Any) -> Any:
    """POST until the answer has `status` (another service may learn a fact a moment later);
    the answer's JSON."""

    def attempt() -> Any:
        r = httpx.post(url, headers=headers, timeout=60, **body)
        return r.json() if r.status_code == status else None

    return until(attempt, what)


def take(system: System, headers: dict[str, str], code: str, campaign_id: str) -> None:
    async def go() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            await take_the_test(client, system.urls, headers, code, campaign_id)
            r = await client.post(
                f"{system.urls['assessment']}/campaigns/{campaign_id}/participation/share",
                headers=headers,
            )
            assert r.status_code == 200, r.text

    asyncio.run(go())


class Analytics:
    """What a teacher reads of the campaign in analytics, every route of it."""

    def __init__(self, system: System, org: str, campaign_id: str, headers: dict[str, str]):
        self.base = f"{system.urls['analytics']}/organisations/{org}"
        self.campaign = f"{self.base}/campaigns/{campaign_id}"
        self.headers = headers

    def get(self, url: str, **params: Any) -> httpx.Response:
        r = httpx.get(url, headers=self.headers, params=params, timeout=30)
        assert r.status_code == 200, f"{url}: {r.status_code} {r.text}"
        return r

    def activity(self) -> dict[str, Any]:
        return dict(self.get(f"{self.campaign}/activity").json())

    def rows(self) -> list[dict[str, Any]]:
        return list(self.get(f"{self.campaign}/participants", size=50).json()["items"])

    def csv(self) -> list[list[str]]:
        text = self.get(f"{self.campaign}/export.csv").content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    def everything(self) -> dict[str, Any]:
        """Every response a teacher can get about the campaign and the school's learners."""
        out: dict[str, Any] = {}
        for path in ("activity", "participants", "results", "results/participants", "analysis"):
            out[path] = self.get(f"{self.campaign}/{path}").json()
        out["live"] = self.get(f"{self.campaign}/live").json()
        out["export.csv"] = self.get(f"{self.campaign}/export.csv").content
        out["campaigns"] = self.get(f"{self.base}/campaigns").json()
        out["learners"] = self.get(f"{self.base}/learners").json()
        out["places"] = self.get(f"{self.base}/places").json()
        for row in out["participants"]["items"]:
            pid = row.get("participation_id") or row.get("id")
            out[f"participation {pid}"] = self.get(f"{self.campaign}/participations/{pid}").json()
        return out


def wait_for(check: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    """`until`, where a failed assertion inside `check` means "not yet" (and is reported)."""
    last: list[str] = []

    def safe() -> Any:
        try:
            return check()
        except AssertionError as exc:
            last[:] = [str(exc)[:2000]]
            return None

    try:
        return until(safe, what, timeout=timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last: {last}") from None


# ---------------------------------------------------------------------------------------------


def test_an_erased_pupil_stays_erased_after_a_full_replay(
    erasure_system: System, topics: dict[str, str], infra: Infra
) -> None:
    system, bootstrap = erasure_system, infra.kafka_bootstrap
    email = f"zephirine.quastelbaum.{uuid.uuid4().hex[:6]}@example.fr"
    forms = needles(email)
    teacher_id, teacher = register(
        system, "Claire", "Martin", f"claire.{uuid.uuid4().hex[:6]}@example.fr"
    )
    org = organisation(system, "Collège de l'effacement", "SCO", teacher_id, uai=UAI)

    school = f"{system.urls['organisation']}/organisations/{org}/learners"
    xml = siecle_xml(UAI, [ERASED, CLASSMATE])
    post_until(f"{school}/import-siecle", 200, "the SIECLE import", teacher, content=xml)
    pupil_id, pupil = register(system, FIRST, LAST, email)
    _, classmate = register(system, "Paul", "Ordinaire", f"paul.{uuid.uuid4().hex[:6]}@example.fr")
    learner_id = link(system, org, ERASED, pupil)
    link(system, org, CLASSMATE, classmate)

    campaign = post_until(
        f"{system.urls['campaign']}/organisations/{org}/campaigns",
        201,
        "the campaign service never knew the teacher",
        teacher,
        json={"name": "Effacement", "type": "ASSESSMENT", "target_profile_id": "tp-1.1"},
    )
    code, campaign_id = campaign["code"], campaign["campaign_id"]
    take(system, pupil, code, campaign_id)
    take(system, classmate, code, campaign_id)

    analytics = Analytics(system, org, campaign_id, teacher)

    def both_named() -> Any:
        names = sorted(r["last_name"] for r in analytics.rows())
        shared = analytics.activity()["shared"]
        assert shared == 2 and names == sorted([LAST, "Ordinaire"]), (shared, names)
        return True

    wait_for(both_named, "analytics never showed both pupils with their names", timeout=180)
    before = analytics.activity()
    results_before = analytics.get(f"{analytics.campaign}/results").json()
    # the searches can fail: before erasure they find her where she belongs
    assert found(analytics.everything(), forms)
    db_hits = grep_databases(system, infra.mongo_url, forms)
    compacted_topics = [topics[t] for t in COMPACTED_TOPICS]
    topic_hits = asyncio.run(grep_topics(bootstrap, compacted_topics, forms))
    assert db_hits and topic_hits
    groups = len(asyncio.run(lags(bootstrap, system.run)))

    cli(system, "identity", "create-admin", "--email", "dpo@orga.fr", "--password", PASSWORD)
    admin = token(system, "dpo@orga.fr")
    r = httpx.delete(f"{system.urls['identity']}/admin/users/{pupil_id}", headers=admin, timeout=30)
    assert r.status_code == 204, r.text
    settled(bootstrap, system.run, groups)

    out = cli(system, "analytics", "replay")
    assert re.search(r"^g\d+: .* now live \(dropped g1\)", out, re.MULTILINE), out
    settled(bootstrap, system.run, groups)

    # her participation is counted, anonymously: the figures did not move
    after = analytics.activity()
    assert (after["total"], after["shared"]) == (before["total"], before["shared"]) == (2, 2)
    results_after = analytics.get(f"{analytics.campaign}/results").json()
    assert results_after["results"] == results_before["results"] == 2
    assert results_after["average_result"] == results_before["average_result"]
    # ... and listed nowhere
    assert [r["last_name"] for r in analytics.rows()] == ["Ordinaire"]
    _, *lines = analytics.csv()
    assert len(lines) == 1 and not found(lines, forms)
    responses = analytics.everything()
    assert not found(responses, forms), found(responses, forms)
    assert learner_id not in json.dumps(responses["learners"])

    # no service's database holds her names or e-mail any more
    leaks = grep_databases(system, infra.mongo_url, forms)
    assert not leaks, "\n".join(leaks)
    # the history never carried them
    history_topics = [topics[t] for t in EVENT_TOPICS]
    dlqs = [dlq(topics[t]) for t in (*EVENT_TOPICS, *COMPACTED_TOPICS)]
    leaks = asyncio.run(grep_topics(bootstrap, history_topics + dlqs, forms))
    assert not leaks, "\n".join(leaks)

    # the compacted topics drop them once the cleaner has run (segments roll, ADR 22)
    def compacted_clean() -> Any:
        asyncio.run(nudge_compaction(bootstrap, compacted_topics))
        return not asyncio.run(grep_topics(bootstrap, compacted_topics, forms))

    erased_at = time.monotonic()
    wait_for(compacted_clean, "the log cleaner never dropped her records", timeout=150)
    compaction_seconds = time.monotonic() - erased_at
    tombstones = [
        key
        for t in compacted_topics
        for key, value in asyncio.run(records(bootstrap, t))
        if key == pupil_id.encode() and value is None
    ]
    assert tombstones, "identity's tombstone of the pupil"
    print(
        f"\nerasure: before it, {len(db_hits)} documents and {len(topic_hits)} compacted records"
        f" held her; after it and a replay, 0 in {len(system.databases)} databases, 0 in"
        f" {len(history_topics) + len(dlqs)} history topics and DLQs, 0 in"
        f" {len(compacted_topics)} compacted topics {compaction_seconds:.0f} s after the check"
        f" began; counts kept: {after['total']} participants, {after['shared']} sent"
    )

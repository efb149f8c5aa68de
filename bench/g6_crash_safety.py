"""G6: crash safety. `BENCH_G6_EVENTS` (100,000) real events flow through every consumer of
campaign, assessment, organisation and analytics, each service its real process
(`<service>.entrypoints.cli serve`, as `tests/system.py` starts them), on a three-broker KRaft
cluster (`bench.cluster`, topics created by the kernel's `ensure_topics` with replication
factor 3 and `min.insync.replicas=2`). While they flow, each service is SIGKILLed 3 times at
random moments (and restarted at once), and the broker leading the busiest topic's partition 0
(`assessment.events`) is SIGKILLed once and restarted `BENCH_G6_BROKER_DOWN` seconds later.

Figure: (lost + double-applied) ÷ produced, goal 0. Lost and doubled are counted three ways:
- every topic against what was produced (messages, distinct event ids: a write acknowledged
  with `acks=all` must survive the broker's loss, an idempotent producer writes it once);
- every collection the consumers wrote (each service's database, analytics' generations,
  `processed_events`) against a clean rebuild: the same topics consumed again from the start
  by fresh processes (fresh consumer groups, fresh databases), no faults;
- every consumer group of both runs caught up (lag 0) before comparing.
A document in one run and not the other, or differing, counts as one; a message produced and
missing from its topic as one lost; an event id twice on a topic as one doubled.

The events: organisations, memberships (created, role changed, revoked), accounts, campaigns
(created, updated, archived) published first, as organisation, identity and campaign publish
them; then participations (started, answers, completed, shared) as assessment publishes them
(`orga_shared.testing.histories`). Paced over `BENCH_G6_PRODUCE_SECONDS` so the faults happen
while they flow. See docs/benchmarks.md (G6).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from bson import ObjectId
from pymongo import AsyncMongoClient

from bench import kafkatools
from bench.cluster import KafkaCluster
from bench.harness import (
    REPO_ROOT,
    Result,
    Settings,
    arun,
    detect_database,
    env_float,
    env_int,
    run_token,
    write_result,
)
from orga_shared.contracts.campaign import CampaignArchived, CampaignUpdated
from orga_shared.contracts.identity import UserRegistered
from orga_shared.contracts.organisation import (
    MembershipCreated,
    MembershipRevoked,
    MembershipRoleChanged,
    OrganisationCreated,
)
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import Replication, ensure_topics, platform_topics
from orga_shared.observability import configure_logging
from orga_shared.ports import free_port
from orga_shared.testing.histories import history

GOAL = "(lost + double-applied) ÷ produced = 0 (3 SIGKILLs per consumer process, 1 broker lost)"
SERVICES = ("campaign", "assessment", "organisation", "analytics")
PRODUCTION = Replication(3, 2)
Client = AsyncMongoClient[dict[str, Any]]


# -- the events --------------------------------------------------------------------------------


def _envelope(stream: str, version: int, event: DomainEvent, producer: str) -> bytes:
    return Envelope(
        event_id=str(uuid.uuid4()),
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=stream,
        stream_version=version,
        producer=producer,
        correlation_id=str(uuid.uuid4()),
        payload=event.model_dump(mode="json"),
    ).to_json_bytes()


def reference_events(n: int, campaigns: list[str]) -> Iterator[Message]:
    """About `n` events of organisation, identity and campaign (what the others consume);
    the campaigns' `CampaignCreated` (version 1 of their streams) come before."""
    orgs = ["org-bench"] + [f"org-{i}" for i in range(1, 5)]
    versions: Counter[str] = Counter({f"campaign-{c}": 1 for c in campaigns})

    def emit(topic: str, key: str, stream: str, event: DomainEvent, producer: str) -> Message:
        versions[stream] += 1
        return Message(topic, key.encode(), _envelope(stream, versions[stream], event, producer))

    for org in orgs:
        yield emit(
            "organisation.events",
            org,
            f"organisation-{org}",
            OrganisationCreated(organisation_id=org, name=f"Collège {org}", type="SCO"),
            "organisation",
        )
    sent, user = len(orgs), 0
    while sent < n:
        user += 1
        org = orgs[user % len(orgs)]
        uid = f"user-{user}"
        ids = {"organisation_id": org, "membership_id": f"m-{user}", "user_id": uid}
        stream = f"organisation-{org}"
        yield emit(
            "identity.events",
            uid,
            f"user-{uid}",
            UserRegistered(user_id=uid, method="email"),
            "identity",
        )
        changes: list[DomainEvent] = [MembershipCreated(**ids, role="MEMBER")]
        if user % 3 == 0:
            changes.append(MembershipRoleChanged(**ids, role="ADMIN"))
        if user % 7 == 0:
            changes.append(MembershipRevoked(**ids, reason="removed", revoked_by="user-1"))
        for change in changes:
            yield emit("organisation.events", org, stream, change, "organisation")
        sent += 1 + len(changes)
        if user % 50 == 0 and campaigns:
            cid = campaigns[(user // 50) % len(campaigns)]
            yield emit(
                "campaign.events",
                cid,
                f"campaign-{cid}",
                CampaignUpdated(
                    campaign_id=cid,
                    organisation_id="org-bench",
                    updated_by="teacher",
                    name=f"Campagne {user}",
                ),
                "campaign",
            )
            sent += 1
    if campaigns:
        cid = campaigns[-1]
        yield emit(
            "campaign.events",
            cid,
            f"campaign-{cid}",
            CampaignArchived(campaign_id=cid, organisation_id="org-bench", archived_by="teacher"),
            "campaign",
        )


@dataclass(frozen=True)
class Message:
    topic: str
    key: bytes
    value: bytes

    def headers(self) -> list[tuple[str, bytes]]:
        """The headers the outbox relay sends with every event (`outbox.headers_for`)."""
        env = Envelope.from_json_bytes(self.value)
        return [
            ("event_type", env.event_type.encode()),
            ("event_id", env.event_id.encode()),
            ("correlation_id", env.correlation_id.encode()),
        ]


def participations(n: int, campaigns: int) -> tuple[list[Message], list[Message], list[str]]:
    """(CampaignCreated on campaign.events, assessment's events, campaign ids): `campaigns`
    histories of about n ÷ campaigns events each."""
    created: list[Message] = []
    answers: list[Message] = []
    ids: list[str] = []
    for i in range(campaigns):
        for key, value in history(n // campaigns, seed=600 + i):
            envelope = Envelope.from_json_bytes(value)
            if envelope.event_type == "CampaignCreated":
                ids.append(key.decode())
                created.append(Message("campaign.events", key, value))
            else:
                answers.append(Message("assessment.events", key, value))
    return created, answers, ids


def all_events(n: int) -> list[Message]:
    """Reference events first (a fifth), then participations, interleaved across campaigns."""
    created, answers, ids = participations(n - n // 5, max(1, n // 20_000))
    return created + list(reference_events(n // 5 - len(created), ids)) + answers


# -- the services as processes -----------------------------------------------------------------


@dataclass
class Services:
    """One run's four services (own names, so own consumer groups; own databases)."""

    label: str
    bootstrap: str
    mongo_url: str
    log_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    kills: dict[str, int] = field(default_factory=Counter)

    def name(self, service: str) -> str:
        return f"{service}-g6-{self.label}"

    def database(self, service: str) -> str:
        return f"bench_g6_{self.label}_{service}"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "ORGA_KAFKA_BOOTSTRAP": self.bootstrap,
            "ORGA_MONGO_URL": self.mongo_url,
            "ORGA_TOPIC_REPLICATION_FACTOR": str(PRODUCTION.factor),
            "ORGA_TOPIC_MIN_INSYNC_REPLICAS": str(PRODUCTION.min_insync),
            "ORGA_LOG_JSON": "true",
            "ORGA_LOG_LEVEL": "WARNING",
            "ORGA_SHUTDOWN_TIMEOUT_SECONDS": "10",
            "ORGA_JWKS_URL": f"http://127.0.0.1:{free_port()}/.well-known/jwks.json",
        }
        for s in SERVICES:
            env[f"ORGA_{s.upper()}_PORT"] = str(self.ports[s])
            env[f"ORGA_{s.upper()}_DATABASE"] = self.database(s)
            env[f"ORGA_{s.upper()}_SERVICE_NAME"] = self.name(s)
        return env

    def launch(self, service: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{self.label}-{service}.log").open("ab") as out:
            self.processes[service] = subprocess.Popen(
                [sys.executable, "-m", f"{service}.entrypoints.cli", "serve"],
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=REPO_ROOT,
            )

    def start(self) -> None:
        self.ports = {s: free_port() for s in SERVICES}
        for s in SERVICES:
            self.launch(s)

    async def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        pending = set(SERVICES)
        async with httpx.AsyncClient(timeout=2) as http:
            while pending:
                for s in sorted(pending):
                    if self.processes[s].poll() is not None:
                        raise RuntimeError(f"{s} exited; see {self.log_dir}/{self.label}-{s}.log")
                    try:
                        r = await http.get(f"http://127.0.0.1:{self.ports[s]}/ready")
                        if r.status_code == 200:
                            pending.discard(s)
                    except httpx.HTTPError:
                        pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"not ready after {timeout} s: {sorted(pending)}")
                await asyncio.sleep(0.5)

    def sigkill(self, service: str) -> None:
        """SIGKILL the service's process group (no shutdown hook runs) and start it again."""
        proc = self.processes[service]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        self.kills[service] += 1
        self.launch(service)

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# -- catching up, reading back -----------------------------------------------------------------


async def groups_lag(bootstrap: str, prefix: str) -> dict[str, int]:
    """Lag of every consumer group whose id contains `prefix`, over the partitions of the
    topics it committed on (a partition of such a topic it never committed counts whole)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if prefix in g[0]]
        committed = {g: await admin.list_consumer_group_offsets(g) for g in groups}
    finally:
        await admin.close()
    topics = sorted({tp.topic for offsets in committed.values() for tp in offsets})
    ends: dict[Any, int] = {}
    for topic in topics:
        async with kafkatools.reader(bootstrap, topic) as consumer:
            ends.update(await consumer.end_offsets(list(consumer.assignment())))
    lag = {}
    for g, offsets in committed.items():
        mine = {tp.topic for tp in offsets}
        lag[g] = sum(
            end - (offsets[tp].offset if tp in offsets else 0)
            for tp, end in ends.items()
            if tp.topic in mine
        )
    return lag


async def fingerprint(client: Client, databases: list[str]) -> dict[str, int]:
    counts = {}
    for name in databases:
        db = client[name]
        for coll in await db.list_collection_names():
            counts[f"{name}.{coll}"] = await db[coll].count_documents({})
    return counts


async def wait_caught_up(
    services: Services, client: Client, timeout: float, quiet: float = 15.0
) -> float:
    """Until every group of the run has lag 0 and no collection count moved for `quiet` s."""
    started = time.monotonic()
    databases = [services.database(s) for s in SERVICES]
    stable_since, last = time.monotonic(), None
    while True:
        lag = await groups_lag(services.bootstrap, f"-g6-{services.label}")
        seen = await fingerprint(client, databases)
        if seen != last or any(lag.values()) or not lag:
            stable_since, last = time.monotonic(), seen
        elif time.monotonic() - stable_since >= quiet:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{services.label} not caught up after {timeout} s: lag {lag}")
        await asyncio.sleep(2.0)


def normalise(value: Any, names: dict[str, str], since: datetime) -> Any:
    """A document as comparable across runs: the run's names replaced, times of processing
    (after the bench started: the events' own times are earlier) blanked, ObjectIds dropped."""
    if isinstance(value, dict):
        return {
            normalise(k, names, since): normalise(v, names, since)
            for k, v in value.items()
            if not isinstance(v, ObjectId)
        }
    if isinstance(value, list | tuple):
        return [normalise(v, names, since) for v in value]
    if isinstance(value, str):
        for old, new in names.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return "<processing time>" if aware >= since else value.isoformat()
    return value


async def dump(client: Client, services: Services, since: datetime) -> dict[str, Counter[str]]:
    """service/collection -> multiset of normalised documents."""
    names = {services.name(s): f"<{s}>" for s in SERVICES}
    names.update({services.database(s): f"<db:{s}>" for s in SERVICES})
    out: dict[str, Counter[str]] = {}
    for s in SERVICES:
        db = client[services.database(s)]
        for coll in await db.list_collection_names():
            docs: Counter[str] = Counter()
            async for doc in db[coll].find({}):
                docs[json.dumps(normalise(doc, names, since), sort_keys=True, default=str)] += 1
            out[f"{s}/{coll}"] = docs
    return out


def compare(faulty: dict[str, Counter[str]], clean: dict[str, Counter[str]]) -> dict[str, Any]:
    per: dict[str, dict[str, int]] = {}
    for coll in sorted(set(faulty) | set(clean)):
        a, b = faulty.get(coll, Counter()), clean.get(coll, Counter())
        missing = sum((b - a).values())  # in the clean rebuild, not after the faults
        extra = sum((a - b).values())  # after the faults, not in the clean rebuild
        per[coll] = {"documents": sum(b.values()), "missing": missing, "extra": extra}
    return per


COUNTED = {
    # collection (service/name) -> the event type that makes one of its documents
    "analytics/g1.participations": "ParticipationStarted",
    "analytics/g1.organisations": "OrganisationCreated",
    "analytics/memberships": "MembershipCreated",
    "assessment/memberships": "MembershipCreated",
    "assessment/organisations": "OrganisationCreated",
    "campaign/memberships": "MembershipCreated",
    "campaign/campaigns": "CampaignCreated",
    "organisation/memberships": "MembershipCreated",
    "organisation/organisations": "OrganisationCreated",
    "organisation/account_kinds": "UserRegistered",
}


def count_check(per: dict[str, dict[str, int]], messages: list[Message]) -> dict[str, Any]:
    """Documents after the faults against what was produced: one per subject created."""
    made = Counter(Envelope.from_json_bytes(m.value).event_type for m in messages)
    out = {}
    for coll, event_type in COUNTED.items():
        c = per.get(coll, {"documents": 0, "missing": 0, "extra": 0})
        after_faults = c["documents"] - c["missing"] + c["extra"]
        out[coll] = {"produced": made[event_type], "documents": after_faults}
    return out


async def topic_check(
    bootstrap: str, messages: list[Message], load: Load
) -> dict[str, dict[str, int]]:
    """Per topic: produced event ids missing (lost), and repeats beyond the load generator's
    own re-sends (doubled by the platform)."""
    wanted: dict[str, set[str]] = {}
    for m in messages:
        wanted.setdefault(m.topic, set()).add(Envelope.from_json_bytes(m.value).event_id)
    out = {}
    for topic, produced in sorted(wanted.items()):
        ids = await kafkatools.event_ids(bootstrap, topic)
        repeats = len(ids) - len(set(ids))
        out[topic] = {
            "produced": len(produced),
            "acknowledged": load.acknowledged[topic],
            "resent": load.resent[topic],
            "messages": len(ids),
            "lost": len(produced - set(ids)),
            "repeated": repeats,
            "doubled": max(0, repeats - load.resent[topic]),
        }
    return out


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Load:
    """What the load generator did: acknowledged writes, and sends it had to repeat."""

    acknowledged: Counter[str] = field(default_factory=Counter)
    resent: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


async def produce_paced(bootstrap: str, messages: list[Message], seconds: float) -> Load:
    """Every message with acks=all (the kernel's producer), spread over `seconds`. A send not
    acknowledged (a broker lost mid-write) is sent again, as the outbox relay does: at least
    once, the consumers dedupe by event id (docs/design.md)."""
    load = Load()
    producer = make_producer(bootstrap, "g6-load", request_timeout_ms=30000)
    await producer.start()
    started = time.monotonic()
    chunk = 200
    try:
        for i in range(0, len(messages), chunk):
            batch = messages[i : i + chunk]
            while batch:
                futures = []
                for m in batch:
                    try:
                        futures.append(
                            await producer.send(
                                m.topic, value=m.value, key=m.key, headers=m.headers()
                            )
                        )
                    except KafkaError:
                        futures.append(None)
                outcomes = await asyncio.gather(
                    *(f for f in futures if f is not None), return_exceptions=True
                )
                results = iter(outcomes)
                failed = []
                for m, f in zip(batch, futures, strict=True):
                    outcome = next(results) if f is not None else None
                    if f is None or isinstance(outcome, BaseException):
                        failed.append(m)
                        load.resent[m.topic] += f is not None  # may have been written
                    else:
                        load.acknowledged[m.topic] += 1
                if failed:
                    await asyncio.sleep(1.0)
                batch = failed
            ahead = started + seconds * (i + chunk) / len(messages) - time.monotonic()
            if ahead > 0:
                await asyncio.sleep(ahead)
    finally:
        await producer.stop()
    load.seconds = time.monotonic() - started
    return load


async def faults(
    cluster: KafkaCluster,
    services: Services,
    window: float,
    broker_down: float,
    rng: random.Random,
    log: list[dict[str, Any]],
) -> None:
    """3 SIGKILLs per service and one of the busiest partition's leader, at random moments of
    the window; the broker comes back `broker_down` s after its kill (a task of its own, so the
    other faults keep their moments)."""
    started = time.monotonic()

    def now() -> float:
        return round(time.monotonic() - started, 1)

    async def restart_later(node: int) -> None:
        await asyncio.sleep(broker_down)
        await asyncio.to_thread(cluster.restart, node)
        log.append({"at": now(), "restart": f"broker {node}"})
        print(f"  {log[-1]}", flush=True)

    plan = [(rng.uniform(0.05, 1.0) * window, s) for s in SERVICES for _ in range(3)]
    plan.append((rng.uniform(0.2, 0.5) * window, "broker"))
    plan.sort()
    restarting: asyncio.Task[None] | None = None
    for at, what in plan:
        await asyncio.sleep(max(0.0, at - (time.monotonic() - started)))
        if what == "broker":
            leader = await cluster.leader_of("assessment.events", 0)
            await asyncio.to_thread(cluster.kill, leader)
            log.append({"at": now(), "sigkill": f"broker {leader}", "led": "assessment.events:0"})
            restarting = asyncio.create_task(restart_later(leader))
        else:
            await asyncio.to_thread(services.sigkill, what)
            log.append({"at": now(), "sigkill": what})
        print(f"  {log[-1]}", flush=True)
    if restarting is not None:
        await restarting


async def measure(settings: Settings) -> Result:
    configure_logging("bench", level="WARNING")
    n = env_int("BENCH_G6_EVENTS", 100_000)
    produce_seconds = env_float("BENCH_G6_PRODUCE_SECONDS", 240.0)
    broker_down = env_float("BENCH_G6_BROKER_DOWN", 30.0)
    budget = env_float("BENCH_G6_BUDGET", 900.0)
    rng = random.Random(env_int("BENCH_G6_SEED", 6))
    token = run_token()
    log_dir = REPO_ROOT / ".local" / "bench" / f"g6-{token}"
    since = datetime.now(UTC)
    messages = all_events(n)
    produced = Counter(m.topic for m in messages)
    print(f"G6: {len(messages):,} events {dict(produced)}", flush=True)
    client: Client = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    database = await detect_database(client)
    faulty = Services(f"f{token[-6:]}", "", settings.mongo_url, log_dir)
    clean = Services(f"c{token[-6:]}", "", settings.mongo_url, log_dir)
    fault_log: list[dict[str, Any]] = []
    details: dict[str, Any] = {}
    try:
        async with KafkaCluster() as cluster:
            faulty.bootstrap = clean.bootstrap = cluster.bootstrap
            specs = platform_topics(settings.partitions, PRODUCTION)
            await ensure_topics(cluster.bootstrap, specs)
            await cluster.wait_in_sync([s.name for s in specs])
            faulty.start()
            await faulty.wait_ready()
            print("G6: services ready; producing and killing", flush=True)
            started = time.monotonic()
            window = produce_seconds + 30
            producing = asyncio.create_task(
                produce_paced(cluster.bootstrap, messages, produce_seconds)
            )
            await faults(cluster, faulty, window, broker_down, rng, fault_log)
            load = await producing
            await cluster.wait_healthy()
            caught_up = await wait_caught_up(faulty, client, budget)
            faulty_s = time.monotonic() - started
            print(f"G6: faulty run caught up after {faulty_s:.0f} s", flush=True)
            faulty.stop()
            topics = await topic_check(cluster.bootstrap, messages, load)
            clean.start()
            await clean.wait_ready()
            clean_s = await wait_caught_up(clean, client, budget)
            print(f"G6: clean rebuild caught up after {clean_s:.0f} s", flush=True)
            clean.stop()
            per = compare(await dump(client, faulty, since), await dump(client, clean, since))
            counts = count_check(per, messages)
            details.update(
                produce_s=round(load.seconds, 1),
                faulty_run_s=round(faulty_s, 1),
                faulty_catch_up_s=round(caught_up, 1),
                clean_rebuild_s=round(clean_s, 1),
                topics=topics,
                collections=per,
                counts=counts,
            )
    finally:
        faulty.stop()
        clean.stop()
        for s in SERVICES:
            await client.drop_database(faulty.database(s))
            await client.drop_database(clean.database(s))
        await client.close()
    lost = sum(t["lost"] for t in topics.values())
    doubled = sum(t["doubled"] for t in topics.values())
    mismatched = sum(max(c["missing"], c["extra"]) for c in per.values())
    miscounted = sum(abs(c["produced"] - c["documents"]) for c in counts.values())
    value = (lost + doubled + mismatched + miscounted) / len(messages)
    print(
        f"G6: lost {lost}, doubled {doubled}, documents differing {mismatched}, "
        f"counts off {miscounted}",
        flush=True,
    )
    return Result(
        id="G6",
        value=value,
        unit="(lost + double-applied) ÷ produced",
        ratio=value,
        goal=GOAL,
        met=value == 0,
        details={
            "events": len(messages),
            "produced_per_topic": dict(produced),
            "lost_on_topics": lost,
            "doubled_on_topics": doubled,
            "documents_differing": mismatched,
            "counts_off": miscounted,
            "documents_compared": sum(c["documents"] for c in per.values()),
            "faults": fault_log,
            "service_kills": dict(faulty.kills),
            "broker": f"SIGKILLed leader of assessment.events:0, restarted {broker_down:.0f} s "
            "later (the cluster ran on 2 of 3 meanwhile)",
            "cluster": "3 KRaft brokers (combined), RF 3, min.insync.replicas 2, unclean off",
            "database": database,
            "logs": str(log_dir.relative_to(REPO_ROOT)),
            **details,
        },
    )


def run() -> Result:
    result = arun(measure(Settings()))
    print(f"written {write_result(result)}")
    return result

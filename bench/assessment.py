"""The assessment service under test, as the figures G1, G2, G10 and H1 start it.

One `assessment_service(...)` = a 5,000-skill synthetic release (generated once per machine,
`python -m orga_shared.content.synthetic`), fresh topics (its events, its participant ids,
campaigns, organisations, identity), a `bench_` database and its own consumer groups, a JWKS
server for test tokens, the service itself (`uvicorn --factory
assessment.entrypoints.http:create_app`, one process per worker) and one
organisation and campaign seeded as their services publish them (envelopes built by the kernel's
`new_commit`, sent with the outbox's key and headers). It is ready when a probe student's join
succeeds (the campaign projection is eventually consistent). Everything is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import string
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench import kafkatools
from bench.harness import RESULTS_DIR, Settings, detect_database, env_int, run_token, unique_name
from bench.server import Server, bench_port, uvicorn_process
from bench.wrkload import write_tokens
from orga_shared.content.loader import load_release
from orga_shared.content.synthetic import generate
from orga_shared.contracts.campaign import CampaignCreated, FrozenTarget, campaign_stream
from orga_shared.contracts.organisation import OrganisationCreated, organisation_stream
from orga_shared.events.envelope import DomainEvent
from orga_shared.eventstore.store import new_commit
from orga_shared.messaging.outbox import headers_for
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import compacted
from orga_shared.testing.tokens import TokenFactory

APP = "assessment.entrypoints.http:create_app"
SKILLS = env_int("BENCH_CONTENT_SKILLS", 5_000)
PROFILE = os.environ.get("BENCH_TARGET_PROFILE", "tp-1.1")
JOIN_TIMEOUT = float(os.environ.get("BENCH_JOIN_TIMEOUT", "90"))


def synthetic_release(skills: int = SKILLS) -> Path:
    """The synthetic release folder (same seed, same files), generated on first use."""
    folder = Path(tempfile.gettempdir()) / f"orga-bench-content-{skills}"
    if not (folder / "release.yaml").exists():
        scratch = Path(tempfile.mkdtemp(prefix=f"orga-bench-content-{skills}-"))
        generate(skills, scratch)
        try:
            scratch.rename(folder)
        except OSError:  # another run made it meanwhile
            pass
    return folder


def campaign_target(release_dir: Path, profile_id: str = PROFILE) -> FrozenTarget:
    """What the campaign service freezes from `profile_id` (its own `Catalogue.freeze`).

    The synthetic profiles are one competence each: ~310 skills of the 5,000, so a test lasts
    well beyond one answer per skill asked... and the engine still indexes the whole release."""
    from campaign.application.catalogue import Catalogue

    catalogue = Catalogue(load_release(release_dir))
    profile = catalogue.get(profile_id)
    if profile is None:
        raise LookupError(f"no target profile {profile_id} in {release_dir}")
    return catalogue.freeze(profile)


# --- tokens --------------------------------------------------------------------------------


@contextmanager
def jwks_server(factory: TokenFactory) -> Iterator[str]:
    """The factory's JWKS over HTTP on a bench port; yields its URL."""
    body = json.dumps(factory.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", bench_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Students:
    """Users with their tokens; each user joins once (one participation per campaign)."""

    factory: TokenFactory
    prefix: str = field(default_factory=lambda: f"bench-student-{secrets.token_hex(4)}")
    issued: int = 0

    def tokens(self, n: int) -> list[str]:
        """`n` users never used before, tokens valid 3 hours."""
        start, self.issued = self.issued, self.issued + n
        return [
            self.factory.token(f"{self.prefix}-{i}", ttl=3 * 3600) for i in range(start, start + n)
        ]

    def token_file(self, n: int, folder: Path) -> Path:
        return write_tokens(folder / f"tokens-{self.issued}.txt", self.tokens(n))


# --- seeding -------------------------------------------------------------------------------


def campaign_code() -> str:
    return "BENCH" + "".join(secrets.choice(string.ascii_uppercase) for _ in range(4))


async def produce_events(
    bootstrap: str, items: Sequence[tuple[str, str, DomainEvent, str]]
) -> None:
    """(topic, stream id, event, producer) -> one single-event commit each, sent the way
    `OutboxPublisher.send` sends it (key = stream id, JSON envelope, the outbox's headers)."""
    producer = make_producer(bootstrap, "bench-seed")
    await producer.start()
    try:
        for topic, stream, event, name in items:
            commit = new_commit(stream, 0, [event], topic=topic, producer=name)
            await producer.send_and_wait(
                topic,
                value=commit.envelopes[0].to_json_bytes(),
                key=commit.key.encode(),
                headers=headers_for(commit, 0),
            )
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Seeded:
    organisation_id: str
    campaign_id: str
    code: str
    skills: int


async def seed_campaign(
    bootstrap: str, organisation_topic: str, campaign_topic: str, target: FrozenTarget
) -> Seeded:
    organisation_id = str(uuid.uuid4())
    campaign_id = str(uuid.uuid4())
    owner = f"bench-teacher-{secrets.token_hex(3)}"
    code = campaign_code()
    organisation = OrganisationCreated(
        organisation_id=organisation_id,
        name="Bench school",
        type="PRO",
        is_managing_students=False,
        created_by=owner,
    )
    campaign = CampaignCreated(
        campaign_id=campaign_id,
        organisation_id=organisation_id,
        code=code,
        name="Bench campaign",
        type="ASSESSMENT",
        creator_id=owner,
        owner_id=owner,
        target=target,
    )
    await produce_events(
        bootstrap,
        [
            (
                organisation_topic,
                organisation_stream(organisation_id),
                organisation,
                "organisation",
            ),
            (campaign_topic, campaign_stream(campaign_id), campaign, "campaign"),
        ],
    )
    return Seeded(organisation_id, campaign_id, code, len(target.skills))


@asynccontextmanager
async def compacted_topic(
    bootstrap: str, prefix: str, partitions: int, *, replication: int = 1
) -> AsyncIterator[str]:
    """A compacted topic (the platform's settings) for one measurement, deleted after."""
    spec = compacted(unique_name(prefix), partitions)
    async with kafkatools.created(bootstrap, spec, replication) as name:
        yield name


# --- the service ---------------------------------------------------------------------------


@dataclass
class Assessment:
    """A running assessment service with one seeded campaign."""

    server: Server
    database: str
    topics: Mapping[str, str]
    seeded: Seeded
    students: Students
    folder: Path
    acks: str

    @property
    def url(self) -> str:
        return self.server.url

    def token_file(self, n: int) -> Path:
        return self.students.token_file(n, self.folder)


async def join_ready(url: str, code: str, token: str, timeout: float = 60.0) -> dict[str, Any]:
    """Join until it succeeds (the campaign reaches the service through Kafka)."""
    deadline = time.monotonic() + timeout
    last = ""
    async with httpx.AsyncClient(base_url=url, timeout=10.0) as client:
        while time.monotonic() < deadline:
            response = await client.post(
                "/participations",
                json={"code": code},
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code in (200, 201):
                return dict(response.json())
            last = f"{response.status_code} {response.text[:300]}"
            await asyncio.sleep(0.25)
    raise TimeoutError(f"no successful join within {timeout} s; last answer: {last}")


@dataclass
class Stack:
    """Everything an assessment service runs on, without the service: fresh topics, a database
    name, a JWKS server for test tokens, a scratch folder and the service's environment (one
    service name, so every process started with `env` joins the same consumer groups)."""

    topics: dict[str, str]
    database: str
    env: dict[str, str]
    factory: TokenFactory
    target: FrozenTarget
    folder: Path
    jwks_url: str
    release: Path
    token: str


@asynccontextmanager
async def assessment_stack(
    settings: Settings,
    *,
    label: str,
    acks: str = "all",
    database: str | None = None,
    drop: bool = True,
    extra_env: Mapping[str, str] | None = None,
    stack: AsyncExitStack,
) -> AsyncIterator[Stack]:
    """Topics, database and environment of one assessment service, undone when `stack`
    closes. `database`: an existing one (H1 prefills it first); otherwise a fresh one.
    `drop`: dropped afterwards."""
    release = synthetic_release()
    target = campaign_target(release)
    factory = TokenFactory()
    token = run_token()
    topics = {}
    for role in ("events", "campaign", "organisation", "identity"):
        topics[role] = await stack.enter_async_context(
            kafkatools.fresh_topic(
                settings.kafka_bootstrap,
                f"assessment_{label}_{role}",
                settings.partitions,
                replication=settings.replication,
            )
        )
    topics["participant_ids"] = await stack.enter_async_context(
        compacted_topic(
            settings.kafka_bootstrap,
            f"assessment_{label}_ids",
            settings.partitions,
            replication=settings.replication,
        )
    )
    db_name = database or f"bench_{label}_{token}"
    if drop:
        stack.push_async_callback(_drop_database, settings.mongo_url, db_name)
    jwks_url = stack.enter_context(jwks_server(factory))
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-assess-")))
    env = {
        "ORGA_ASSESSMENT_PORT": "0",
        "ORGA_ASSESSMENT_DATABASE": db_name,
        "ORGA_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "ORGA_MONGO_URL": settings.mongo_url,
        "ORGA_JWKS_URL": jwks_url,
        "ORGA_CONTENT_DIR": str(release),
        "ORGA_ASSESSMENT_EVENTS_TOPIC": topics["events"],
        "ORGA_ASSESSMENT_CAMPAIGN_TOPIC": topics["campaign"],
        "ORGA_ASSESSMENT_ORGANISATION_TOPIC": topics["organisation"],
        "ORGA_ASSESSMENT_IDENTITY_TOPIC": topics["identity"],
        "ORGA_ASSESSMENT_PARTICIPANT_IDS_TOPIC": topics["participant_ids"],
        # consumer groups are `<service name>.<consumer>`: ours must not join the groups of
        # an assessment service running beside the benchmark
        "ORGA_ASSESSMENT_SERVICE_NAME": f"assessment-{label}-{token}",
        "ORGA_KAFKA_ACKS": acks,
        "ORGA_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    yield Stack(topics, db_name, env, factory, target, folder, jwks_url, release, token)


@asynccontextmanager
async def assessment_service(
    settings: Settings,
    *,
    label: str,
    acks: str = "all",
    workers: int = 1,
    database: str | None = None,
    drop: bool = True,
    extra_env: Mapping[str, str] | None = None,
    keep_alive: float | None = None,
) -> AsyncIterator[Assessment]:
    """The service on a bench port, seeded and ready, on fresh topics (`assessment_stack`)."""
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(
            assessment_stack(
                settings,
                label=label,
                acks=acks,
                database=database,
                drop=drop,
                extra_env=extra_env,
                stack=stack,
            )
        )
        server = await stack.enter_async_context(
            uvicorn_process(
                APP,
                log=RESULTS_DIR / "logs" / f"{base.database}.log",
                factory=True,
                keep_alive=keep_alive,
                workers=workers,
                ready_path="/health/ready",
                env=base.env,
                timeout=90.0,
            )
        )
        yield await seeded_service(settings, base, [server], acks)


async def seeded_service(
    settings: Settings, base: Stack, servers: Sequence[Server], acks: str
) -> Assessment:
    """The stack's organisation and campaign published, and one student joined through each
    of `servers` (replicas of one service): the first, as an `Assessment`, once all can serve."""
    seeded = await seed_campaign(
        settings.kafka_bootstrap, base.topics["organisation"], base.topics["campaign"], base.target
    )
    students = Students(base.factory)
    for server in servers:
        await join_ready(server.url, seeded.code, students.tokens(1)[0], JOIN_TIMEOUT)
    return Assessment(servers[0], base.database, base.topics, seeded, students, base.folder, acks)


async def record_database(settings: Settings) -> str:
    """Which database answers (FerretDB or MongoDB), for the result's `versions`."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url)
    try:
        return await detect_database(client)
    finally:
        await client.close()


async def _drop_database(mongo_url: str, name: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        await asyncio.wait_for(client.drop_database(name), 120)
    except Exception as exc:  # a leftover database must not hide the figures
        print(f"warning: could not drop {name}: {exc!r}")
    finally:
        await client.close()

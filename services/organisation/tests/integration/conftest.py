"""The organisation app in-process on the real Kafka and database, with the real SMTP sink.

Each test gets its own database, its own `organisation.events` and learner-profile topics and
its own mail folder; tokens are real Ed25519 tokens from `TokenFactory`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from orga_shared.events import Envelope
from orga_shared.mail import MailSettings
from orga_shared.messaging.topics import compacted, dlq, ensure_topics, history
from orga_shared.smtp_sink import SmtpSink
from orga_shared.testing.fixtures import read_topic
from orga_shared.testing.infra import Infra
from orga_shared.testing.tokens import TokenFactory
from organisation.application.context import Context
from organisation.config import Settings
from organisation.entrypoints.http import create_app

COLLECTIONS = ("commits", "learners", "invitations", "memberships", "organisations")


async def topic_end(bootstrap: str, topic: str) -> int:
    """Total number of records ever written to a topic (sum of end offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        from aiokafka import TopicPartition

        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
        return sum(ends.values())
    finally:
        await consumer.stop()


@dataclass
class Harness:
    app: FastAPI
    client: httpx.AsyncClient
    settings: Settings
    tokens: TokenFactory
    sink: SmtpSink
    infra: Infra

    @property
    def ctx(self) -> Context:
        context: Context = self.app.state.context
        return context

    @property
    def db(self) -> Any:
        return self.app.state.runtime.db

    def auth(self, user_id: str | None, *, platform: bool = False) -> dict[str, str]:
        if user_id is None:
            return {}
        roles = ["platform-admin"] if platform else []
        return self.tokens.headers(user_id, roles=roles)

    @property
    def staff(self) -> dict[str, str]:
        return self.auth("staff-1", platform=True)

    async def create_org(
        self,
        type: str = "SCO",
        *,
        managing: bool = True,
        external_id: str | None = "0751234A",
        name: str | None = None,
        admin: str | None = None,
        members: tuple[str, ...] = (),
    ) -> str:
        body = {
            "name": name or f"Organisation {uuid.uuid4().hex[:6]}",
            "type": type,
            "external_id": external_id,
            "is_managing_students": managing,
        }
        r = await self.client.post("/organisations", json=body, headers=self.staff)
        assert r.status_code == 201, r.text
        org_id: str = r.json()["id"]
        if admin:
            await self.add_member(org_id, admin, "ADMIN")
        for member in members:
            await self.add_member(org_id, member, "MEMBER")
        return org_id

    async def add_member(self, org_id: str, user_id: str, role: str) -> str:
        r = await self.client.post(
            f"/organisations/{org_id}/members",
            json={"user_id": user_id, "role": role},
            headers=self.staff,
        )
        assert r.status_code == 201, r.text
        membership_id: str = r.json()["id"]
        return membership_id

    def mails(self, to: str | None = None) -> list[dict[str, Any]]:
        entries = self.sink.store.entries()
        return [e for e in entries if to is None or to in e["to"]]

    def mail_text(self, entry: dict[str, Any]) -> str:
        return self.sink.store.text(entry["file"])

    async def counts(self) -> dict[str, int]:
        return {name: await self.db[name].count_documents({}) for name in COLLECTIONS}

    async def topic_sizes(self) -> dict[str, int]:
        bootstrap = self.infra.kafka_bootstrap
        return {
            "events": await topic_end(bootstrap, self.settings.events_topic),
            "profiles": await topic_end(bootstrap, self.settings.profiles_topic),
        }

    async def snapshot(self) -> dict[str, Any]:
        """What a refused request must leave unchanged: documents and both topics."""
        return {**await self.counts(), **await self.topic_sizes()}

    async def events(self) -> list[Envelope]:
        out: list[Envelope] = []
        async for doc in self.db["commits"].find({}).sort("seq", 1):
            out.extend(Envelope.model_validate(e) for e in doc["events"])
        return out

    async def published(self, topic: str, count: int) -> list[Any]:
        return await read_topic(self.infra.kafka_bootstrap, topic, count, timeout=20)


HarnessFactory = Callable[..., Awaitable[Harness]]


Stopper = Callable[[], Awaitable[None]]


async def launch(infra: Infra, mail_dir: Path, **over: Any) -> tuple[Harness, Stopper]:
    """Start one organisation app on fresh topics, database and mail folder."""
    suffix = uuid.uuid4().hex[:10]
    events_topic = f"organisation.events.{suffix}"
    profiles_topic = f"organisation.learner-profiles.{suffix}"
    await ensure_topics(
        infra.kafka_bootstrap,
        [history(events_topic, 3), history(dlq(events_topic), 1), compacted(profiles_topic, 3)],
    )
    sink = SmtpSink(mail_dir / f"mail-{suffix}").start()
    values: dict[str, Any] = {
        "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "ORGA_MONGO_URL": infra.mongo_url,
        "ORGA_LOG_JSON": True,
        "ORGA_OUTBOX_RELAY_GRACE_SECONDS": 0.5,
        "ORGA_OUTBOX_RELAY_INTERVAL_SECONDS": 0.5,
        "database": f"test_organisation_{suffix}",
        "events_topic": events_topic,
        "profiles_topic": profiles_topic,
        "repair_consumer": False,
        "identity_events_topic": None,
        "identity_url": "http://127.0.0.1:9",
        "public_url": "http://orga.test",
        "profile_relay_interval_seconds": 0.5,
    }
    values.update(over)
    settings = Settings.model_validate(values)
    mail = MailSettings.model_validate({"ORGA_SMTP_HOST": "127.0.0.1", "ORGA_SMTP_PORT": sink.port})
    app = create_app(settings, mail=mail)
    manager = LifespanManager(app, startup_timeout=60, shutdown_timeout=60)
    await manager.__aenter__()
    tokens = TokenFactory()
    app.state.verifier.add_keys(tokens.jwks())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")

    async def stop() -> None:
        await client.aclose()
        await manager.__aexit__(None, None, None)
        sink.stop()
        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url)
        await mongo.drop_database(settings.database)
        await mongo.close()

    return Harness(app, client, settings, tokens, sink, infra), stop


@pytest.fixture
async def start_org(infra: Infra, tmp_path: Path) -> AsyncIterator[HarnessFactory]:
    """Factory: `await start_org(**settings)`; every app started is stopped at the end."""
    stoppers: list[Stopper] = []

    async def start(**over: Any) -> Harness:
        harness, stop = await launch(infra, tmp_path, **over)
        stoppers.append(stop)
        return harness

    yield start
    for stop in reversed(stoppers):
        await stop()


@pytest.fixture
async def org(start_org: HarnessFactory) -> Harness:
    return await start_org()


@pytest.fixture(scope="session")
def launcher() -> Callable[..., Awaitable[tuple[Harness, Stopper]]]:
    """`launch` for fixtures of a wider scope than one test."""
    return launch

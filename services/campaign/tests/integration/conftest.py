"""The campaign app in-process on the real Kafka and database.

Each test gets its own database and its own organisation and user-profile topics: memberships
arrive as real `organisation.events` envelopes, names as real profile records, exactly as the
organisation and identity services publish them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from asgi_lifespan import LifespanManager

from campaign.config import Settings
from campaign.entrypoints.http import create_app
from orga_shared.contracts.organisation import MembershipCreated, MembershipRevoked
from orga_shared.events.envelope import Envelope
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import compacted, ensure_topics, history
from orga_shared.testing.fixtures import eventually
from orga_shared.testing.infra import Infra
from orga_shared.testing.tokens import TokenFactory


@dataclass
class Stack:
    client: httpx.AsyncClient
    tokens: TokenFactory
    producer: AIOKafkaProducer
    organisation_topic: str
    profiles_topic: str
    events_topic: str
    db_name: str
    versions: dict[str, int] = field(default_factory=dict)

    def as_user(self, user_id: str, **kwargs: Any) -> dict[str, str]:
        return self.tokens.headers(user_id, **kwargs)

    async def _membership_event(self, event: MembershipCreated | MembershipRevoked) -> None:
        stream = f"organisation-{event.organisation_id}"
        version = self.versions.get(stream, 0) + 1
        self.versions[stream] = version
        envelope = Envelope(
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=stream,
            stream_version=version,
            producer="organisation",
            correlation_id=str(uuid.uuid4()),
            payload=event.model_dump(mode="json"),
        )
        await self.producer.send_and_wait(
            self.organisation_topic, envelope.to_json_bytes(), key=stream.encode()
        )

    async def join(self, organisation_id: str, user_id: str, role: str = "MEMBER") -> None:
        """The user becomes a member (as organisation publishes it) and the app knows it."""
        await self._membership_event(
            MembershipCreated(
                organisation_id=organisation_id,
                membership_id=f"m-{user_id}",
                user_id=user_id,
                role=role,  # type: ignore[arg-type]
            )
        )
        await self.wait_until_member(organisation_id, user_id)

    async def revoke(self, organisation_id: str, user_id: str) -> None:
        await self._membership_event(
            MembershipRevoked(
                organisation_id=organisation_id,
                membership_id=f"m-{user_id}",
                user_id=user_id,
                reason="removed",
            )
        )

    async def wait_until_member(self, organisation_id: str, user_id: str) -> None:
        async def known() -> bool:
            r = await self.client.get(
                f"/organisations/{organisation_id}/target-profiles", headers=self.as_user(user_id)
            )
            return r.status_code == 200

        assert await eventually(known, timeout=30), f"{user_id} never became a member"

    async def name(self, user_id: str, first: str, last: str, version: int = 1) -> None:
        body = {"user_id": user_id, "version": version, "first_name": first, "last_name": last}
        await self.producer.send_and_wait(
            self.profiles_topic, json.dumps(body).encode(), key=user_id.encode()
        )

    async def team(self, organisation_id: str, **members: str) -> None:
        """`team(org, alice="ADMIN", bob="MEMBER")`: memberships and names for each."""
        for user_id, role in members.items():
            await self.name(user_id, user_id.capitalize(), f"Nom-{user_id}")
            await self.join(organisation_id, user_id, role)


@pytest.fixture
async def stack(infra: Infra) -> AsyncIterator[Stack]:
    suffix = uuid.uuid4().hex[:10]
    org_topic, profiles_topic = f"test.org.{suffix}", f"test.profiles.{suffix}"
    events_topic = f"test.campaign.{suffix}"
    await ensure_topics(
        infra.kafka_bootstrap,
        [
            history(org_topic, 1),
            history(f"{org_topic}.dlq", 1),
            history(events_topic, 3),
            history(f"{events_topic}.dlq", 1),
            compacted(profiles_topic, 1),
        ],
        wait=60,
    )
    settings = Settings.model_validate(
        {
            "database": f"test_campaign_{suffix}",
            "service_name": f"campaign-test-{suffix}",
            "events_topic": events_topic,
            "organisation_topic": org_topic,
            "user_profiles_topic": profiles_topic,
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
            "public_url": "http://orga.test",
        }
    )
    app = create_app(settings)
    tokens = TokenFactory()
    app.state.verifier.add_keys(tokens.jwks())
    producer = make_producer(infra.kafka_bootstrap, "test-campaign-feeder")
    await producer.start()
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            yield Stack(
                c, tokens, producer, org_topic, profiles_topic, events_topic, settings.database
            )
    finally:
        await producer.stop()
        import pymongo

        pymongo.MongoClient(infra.mongo_url).drop_database(settings.database)

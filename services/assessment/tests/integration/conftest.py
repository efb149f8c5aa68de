"""The assessment app in-process on the real Kafka and database.

Each test gets its own database and topics. Campaigns, organisations, learners and erasures
arrive as real envelopes on the campaign, organisation and identity topics, exactly as those
services publish them; the app's clock is the test's (`stack.clock.advance(days=4)`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pymongo
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asgi_lifespan import LifespanManager

from assessment.config import Settings
from assessment.entrypoints.http import create_app
from orga_shared.content.freeze import freeze_target
from orga_shared.content.loader import load_release
from orga_shared.contracts.campaign import CampaignArchived, CampaignCreated, CampaignDeleted
from orga_shared.contracts.organisation import (
    LearnerReconciled,
    LearnersAdded,
    LearnersDisabled,
    MembershipCreated,
    OrganisationCreated,
)
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import compacted, ensure_topics, history
from orga_shared.testing.fixtures import eventually
from orga_shared.testing.infra import Infra
from orga_shared.testing.tokens import TokenFactory


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **kwargs: float) -> None:
        self.offset += timedelta(**kwargs)


@dataclass
class Stack:
    client: httpx.AsyncClient
    app: Any
    tokens: TokenFactory
    producer: AIOKafkaProducer
    topics: dict[str, str]
    db_name: str
    mongo_url: str
    kafka: str
    clock: Clock
    versions: dict[str, int] = field(default_factory=dict)

    def as_user(self, user_id: str) -> dict[str, str]:
        return self.tokens.headers(user_id)

    async def publish(self, topic: str, stream: str, event: DomainEvent) -> None:
        version = self.versions.get(stream, 0) + 1
        self.versions[stream] = version
        envelope = Envelope(
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=stream,
            stream_version=version,
            producer="test",
            correlation_id=str(uuid.uuid4()),
            payload=event.model_dump(mode="json"),
        )
        await self.producer.send_and_wait(
            self.topics[topic], envelope.to_json_bytes(), key=stream.encode()
        )

    async def organisation(self, org_id: str, *, managing_students: bool = False) -> None:
        await self.publish(
            "organisation",
            f"organisation-{org_id}",
            OrganisationCreated(
                organisation_id=org_id,
                name=f"Org {org_id}",
                type="SCO" if managing_students else "SUP",
                is_managing_students=managing_students,
            ),
        )

    async def member(self, org_id: str, user_id: str, role: str = "MEMBER") -> None:
        await self.publish(
            "organisation",
            f"organisation-{org_id}",
            MembershipCreated(
                organisation_id=org_id,
                membership_id=f"m-{user_id}",
                user_id=user_id,
                role=role,  # type: ignore[arg-type]
            ),
        )

    async def learner(
        self, org_id: str, learner_id: str, user_id: str | None = None, disabled: bool = False
    ) -> None:
        stream = f"organisation-{org_id}"
        await self.publish(
            "organisation", stream, LearnersAdded(organisation_id=org_id, learner_ids=[learner_id])
        )
        if user_id:
            await self.publish(
                "organisation",
                stream,
                LearnerReconciled(organisation_id=org_id, learner_id=learner_id, user_id=user_id),
            )
        if disabled:
            await self.publish(
                "organisation",
                stream,
                LearnersDisabled(organisation_id=org_id, learner_ids=[learner_id]),
            )

    async def campaign(
        self,
        org_id: str,
        *,
        profile: str | None = "tp-1.1",
        type_: str = "ASSESSMENT",
        multiple_sendings: bool = False,
        external_id_label: str | None = None,
        external_id_type: str | None = None,
        owner_id: str = "teacher-1",
    ) -> dict[str, str]:
        """A campaign as campaign publishes it; returns its id and code once assessment knows it."""
        campaign_id = str(uuid.uuid4())
        code = "T" + uuid.uuid4().hex[:8].upper()
        release = load_release()
        target = freeze_target(release, release.profiles[profile]) if profile else None
        await self.publish(
            "campaign",
            f"campaign-{campaign_id}",
            CampaignCreated(
                campaign_id=campaign_id,
                organisation_id=org_id,
                code=code,
                name="Campagne de test",
                type=type_,  # type: ignore[arg-type]
                multiple_sendings=multiple_sendings,
                external_id_label=external_id_label,
                external_id_type=external_id_type,  # type: ignore[arg-type]
                creator_id=owner_id,
                owner_id=owner_id,
                target=target,
            ),
        )
        db = pymongo.MongoClient(self.mongo_url)[self.db_name]

        async def known() -> bool:
            return db["campaign_facts"].find_one({"_id": campaign_id}) is not None

        assert await eventually(known, timeout=30), "assessment never learnt the campaign"
        return {"id": campaign_id, "code": code}

    async def archive(self, campaign_id: str) -> None:
        await self.publish(
            "campaign",
            f"campaign-{campaign_id}",
            CampaignArchived(campaign_id=campaign_id, organisation_id="o", archived_by="t"),
        )

    async def delete_campaign(self, campaign_id: str, org_id: str) -> None:
        await self.publish(
            "campaign",
            f"campaign-{campaign_id}",
            CampaignDeleted(campaign_id=campaign_id, organisation_id=org_id, deleted_by="t"),
        )

    def db(self) -> Any:
        return pymongo.MongoClient(self.mongo_url)[self.db_name]

    async def until(
        self, check: Callable[[], Awaitable[bool]], what: str, timeout: float = 30
    ) -> None:
        assert await eventually(check, timeout=timeout), what

    async def published(self, topic_key: str = "events") -> list[dict[str, Any]]:
        """Every record on one of the app's topics so far: {key, value} (value None = tombstone)."""
        consumer = AIOKafkaConsumer(
            self.topics[topic_key],
            bootstrap_servers=self.kafka,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
        )
        await consumer.start()
        out: list[dict[str, Any]] = []
        try:
            while batch := await consumer.getmany(timeout_ms=1500):
                for records in batch.values():
                    for r in records:
                        value = None if r.value is None else json.loads(r.value)
                        out.append({"key": r.key.decode() if r.key else None, "value": value})
        finally:
            await consumer.stop()
        return out


@pytest.fixture
async def stack(infra: Infra) -> AsyncIterator[Stack]:
    suffix = uuid.uuid4().hex[:10]
    topics = {
        "campaign": f"test.campaign.{suffix}",
        "organisation": f"test.org.{suffix}",
        "identity": f"test.identity.{suffix}",
        "events": f"test.assessment.{suffix}",
        "ids": f"test.assessment-ids.{suffix}",
    }
    specs = [history(t, 1) for k, t in topics.items() if k != "ids"]
    specs += [history(f"{t}.dlq", 1) for k, t in topics.items() if k != "ids"]
    specs.append(compacted(topics["ids"], 1))
    await ensure_topics(infra.kafka_bootstrap, specs, wait=60)
    settings = Settings.model_validate(
        {
            "database": f"test_assessment_{suffix}",
            "service_name": f"assessment-test-{suffix}",
            "events_topic": topics["events"],
            "participant_ids_topic": topics["ids"],
            "campaign_topic": topics["campaign"],
            "organisation_topic": topics["organisation"],
            "identity_topic": topics["identity"],
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
        }
    )
    app = create_app(settings)
    clock = Clock()
    app.state.context.clock = clock
    tokens = TokenFactory()
    app.state.verifier.add_keys(tokens.jwks())
    producer = make_producer(infra.kafka_bootstrap, "test-assessment-feeder")
    await producer.start()
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            yield Stack(
                c,
                app,
                tokens,
                producer,
                topics,
                settings.database,
                infra.mongo_url,
                infra.kafka_bootstrap,
                clock,
            )
    finally:
        await producer.stop()
        pymongo.MongoClient(infra.mongo_url).drop_database(settings.database)

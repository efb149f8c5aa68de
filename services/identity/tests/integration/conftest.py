"""The identity app in-process on the real Kafka and database, with a real SMTP sink.

Each test gets its own database, its own `identity.events` and `identity.user-profiles`
topics, its own signing key and its own trusted-IdP file, so tests never see each other.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from identity.adapters.idp_simulator import IdpSimulator
from identity.application.context import Context
from identity.config import Settings
from identity.entrypoints.http import create_app
from orga_shared.events import Envelope
from orga_shared.mail import Mailer, MailSettings
from orga_shared.messaging.topics import compacted, ensure_topics
from orga_shared.smtp_sink import SmtpSink
from orga_shared.testing.fixtures import read_topic
from orga_shared.testing.infra import Infra


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


@dataclass
class Running:
    app: FastAPI
    client: httpx.AsyncClient
    settings: Settings
    infra: Infra
    idp: IdpSimulator
    mails: SmtpSink
    ctx: Context = field(init=False)

    def __post_init__(self) -> None:
        self.ctx = self.app.state.context

    @property
    def db(self) -> Any:
        return self.app.state.runtime.db

    async def commits(self) -> int:
        return int(await self.db["commits"].count_documents({}))

    async def events(self, user_id: str | None = None) -> list[Envelope]:
        query = {} if user_id is None else {"stream_id": f"user-{user_id}"}
        out: list[Envelope] = []
        async for doc in self.db["commits"].find(query).sort("seq", 1):
            out.extend(Envelope.model_validate(e) for e in doc["events"])
        return out

    async def topic(self, name: str, count: int, timeout: float = 20.0) -> list[Any]:
        return await read_topic(self.infra.kafka_bootstrap, name, count, timeout)

    async def register(
        self, email: str | None = None, password: str = "Secret123", **extra: str
    ) -> tuple[str, str]:
        email = email or f"user-{uuid.uuid4().hex[:8]}@exemple.fr"
        body = {
            "first_name": "Camille",
            "last_name": "Durand",
            "email": email,
            "password": password,
        }
        r = await self.client.post("/users", json=body | extra)
        assert r.status_code == 201, r.text
        return r.json()["id"], email

    async def login(self, login: str, password: str = "Secret123") -> httpx.Response:
        return await self.client.post("/auth/token", json={"login": login, "password": password})

    async def bearer(self, login: str, password: str = "Secret123") -> dict[str, str]:
        r = await self.login(login, password)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


AppFactory = Callable[..., Awaitable[Running]]


def make_settings(infra: Infra, tmp: Path, events: str, profiles: str, **over: Any) -> Settings:
    values: dict[str, Any] = {
        "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "ORGA_MONGO_URL": infra.mongo_url,
        "ORGA_OUTBOX_RELAY_GRACE_SECONDS": 0.5,
        "ORGA_OUTBOX_RELAY_INTERVAL_SECONDS": 0.5,
        "ORGA_LOG_JSON": True,
        "database": f"test_identity_{uuid.uuid4().hex[:10]}",
        "events_topic": events,
        "profiles_topic": profiles,
        "generated_signing_key_path": tmp / "signing-key.pem",
        "trusted_idp_keys_file": tmp / "trusted-idps.json",
        "profile_relay_interval_seconds": 0.5,
    }
    values.update(over)
    return Settings.model_validate(values)


@pytest.fixture
async def identity_app(
    infra: Infra, tmp_path: Path, new_topic: Any, mail_sink: SmtpSink
) -> AsyncIterator[AppFactory]:
    """Factory: `await identity_app(**settings)` starts an app; all are stopped at the end."""
    events = await new_topic("identity.events")
    profiles = f"identity.user-profiles.{uuid.uuid4().hex[:10]}"
    await ensure_topics(infra.kafka_bootstrap, [compacted(profiles, 3)])
    idp = IdpSimulator.from_files(
        tmp_path / "idp" / "key.pem", tmp_path / "trusted-idps.json", audience="orga-identity"
    )
    mailer = Mailer(MailSettings.model_validate({"ORGA_SMTP_PORT": mail_sink.port}))
    stack: list[tuple[LifespanManager, httpx.AsyncClient, Settings]] = []

    async def start(**over: Any) -> Running:
        settings = make_settings(infra, tmp_path, events, profiles, **over)
        app = create_app(settings, mailer=mailer)
        manager = LifespanManager(app, startup_timeout=60, shutdown_timeout=60)
        await manager.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        stack.append((manager, client, settings))
        return Running(app, client, settings, infra, idp, mail_sink)

    yield start
    client_mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url)
    for manager, client, settings in reversed(stack):
        await client.aclose()
        await manager.__aexit__(None, None, None)
        await client_mongo.drop_database(settings.database)
    await client_mongo.close()


@pytest.fixture
async def running(identity_app: AppFactory) -> Running:
    return await identity_app()


def profile_records(records: list[Any], user_id: str) -> list[dict[str, Any] | None]:
    return [
        None if r.value is None else json.loads(r.value)
        for r in records
        if r.key == user_id.encode()
    ]

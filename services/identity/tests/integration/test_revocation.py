"""Logout-everywhere reaches every replica of another service through the real Kafka and database
(docs/adr/0021-token-revocation.md).

Identity (in-process, its own test topic) publishes `SessionsRevoked`; "campaign" runs as two
replicas: two runtimes with the same service name (so one consumer group: only one of them
receives each event) and the same database. Both must refuse the old token within seconds, the
other user's token and a new login must still pass, and identity refuses the old token too.
"""

from __future__ import annotations

import time
import uuid
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from orga_shared.config import ServiceSettings
from orga_shared.http.app import create_app
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.revocation import revocations_of, track_revocations
from orga_shared.runtime import ServiceRuntime
from orga_shared.testing.fixtures import eventually

from .conftest import AppFactory, Running

pytestmark = pytest.mark.integration


async def replicas(
    stack: AsyncExitStack, running: Running, count: int
) -> list[tuple[ServiceRuntime, httpx.AsyncClient]]:
    """`count` replicas of one service sharing a database and a consumer group."""
    settings = ServiceSettings.model_validate(
        {
            "ORGA_KAFKA_BOOTSTRAP": running.infra.kafka_bootstrap,
            "ORGA_MONGO_URL": running.infra.mongo_url,
            "service_name": f"campaign-revocation-{uuid.uuid4().hex[:6]}",
            "database": f"test_revocation_{uuid.uuid4().hex[:8]}",
        }
    )

    async def drop() -> None:
        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(running.infra.mongo_url)
        await mongo.drop_database(settings.database)
        await mongo.close()

    stack.push_async_callback(drop)
    started = []
    for _ in range(count):
        runtime = ServiceRuntime(settings)
        track_revocations(runtime, topic=running.settings.events_topic)
        app = create_app(settings, runtime, title="replica")

        @app.get("/me")
        async def me(principal: CurrentPrincipal) -> dict[str, Any]:
            return {"user_id": principal.user_id}

        await stack.enter_async_context(LifespanManager(app, startup_timeout=60))
        app.state.verifier.add_keys(running.ctx.signer.jwks())
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r")
        stack.push_async_callback(client.aclose)
        started.append((runtime, client))
    return started


async def test_logout_everywhere_is_refused_by_every_replica_within_seconds(
    identity_app: AppFactory,
) -> None:
    identity = await identity_app()
    _, email = await identity.register()
    _, other_email = await identity.register()
    old, other = await identity.bearer(email), await identity.bearer(other_email)
    async with AsyncExitStack() as stack:
        started = await replicas(stack, identity, 2)
        clients = [client for _, client in started]
        for client in clients:
            assert (await client.get("/me", headers=old)).status_code == 200

        assert (
            await identity.client.post("/auth/logout-everywhere", headers=old)
        ).status_code == 204
        revoked_at = time.monotonic()
        [event] = [e for e in await identity.events() if e.event_type == "SessionsRevoked"]
        assert event.payload["reason"] == "logout-everywhere"

        async def refused_everywhere() -> bool:
            # identity's own app too: its in-process cache may hold the answer read before the
            # revocation for up to `cache_seconds`
            replies = [await c.get("/me", headers=old) for c in clients]
            replies.append(await identity.client.get("/users/me", headers=old))
            return all(r.status_code == 401 for r in replies)

        assert await eventually(refused_everywhere, timeout=20, interval=0.1)
        delay = time.monotonic() - revoked_at
        print(f"revocation effective on both replicas after {delay:.2f} s")
        r = await clients[1].get("/me", headers=old)
        assert r.json()["code"] == "TOKEN_REVOKED"
        assert "reconnectez-vous" in r.json()["message"]
        me = await identity.client.get("/users/me", headers=old)
        assert me.status_code == 401 and me.json()["code"] == "TOKEN_REVOKED"

        new = await identity.bearer(email)  # a login after the revocation is accepted
        for client in clients:
            assert (await client.get("/me", headers=new)).status_code == 200
            assert (await client.get("/me", headers=other)).status_code == 200
        assert (await identity.client.get("/users/me", headers=new)).status_code == 200

        # one consumer group: the event was read once, yet both replicas refuse (one database)
        assert all(revocations_of(runtime) is not None for runtime, _ in started)
        counts = [runtime.subscriptions[0].progress.processed for runtime, _ in started]
        assert sum(counts) == 1, counts

"""The shared membership projection, fed through real Kafka by the organisation service.

The organisation service appends membership events to its own database and publishes them;
a second runtime, standing for any other service (campaign, analytics), subscribes with
`runtime.subscribe` and keeps its own `memberships` collection in another database. Its
`MembershipDirectory` and the `require_member` dependency then authorise requests.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import Depends

from orga_shared.config import ServiceSettings
from orga_shared.http.app import create_app
from orga_shared.http.auth import Principal
from orga_shared.http.membership import require_member as member_of
from orga_shared.membership import (
    MEMBERSHIP_EVENT_TYPES,
    MembershipDirectory,
    MembershipProjection,
)
from orga_shared.messaging.topics import compacted, ensure_topics
from orga_shared.runtime import ServiceRuntime
from orga_shared.testing.fixtures import eventually
from orga_shared.testing.tokens import TokenFactory
from organisation.config import Settings as OrganisationSettings
from organisation.entrypoints.http import create_app as create_organisation_app

pytestmark = pytest.mark.integration


async def test_projection_follows_the_organisation_service_through_kafka(infra, new_topic):
    events_topic = await new_topic("organisation.events")
    profiles_topic = f"organisation.learner-profiles.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [compacted(profiles_topic, 1)])
    shared = {"ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "ORGA_MONGO_URL": infra.mongo_url}
    producer_settings = OrganisationSettings.model_validate(
        {
            **shared,
            "database": f"test_org_{uuid.uuid4().hex[:8]}",
            "events_topic": events_topic,
            "profiles_topic": profiles_topic,
            "repair_consumer": False,
            "identity_events_topic": None,
        }
    )
    consumer_settings = ServiceSettings.model_validate(
        {
            **shared,
            "service_name": f"campaign-test-{uuid.uuid4().hex[:6]}",
            "database": f"test_consumer_{uuid.uuid4().hex[:8]}",
            "ORGA_CONSUMER_BACKOFF_SECONDS": 0.05,
        }
    )

    # --- the consuming service: a runtime, the projection, one protected route ---
    runtime = ServiceRuntime(consumer_settings)
    projection = MembershipProjection(runtime.db)
    runtime.subscribe(
        name="memberships",
        topics=[events_topic],
        handler=projection.handle,
        event_types=MEMBERSHIP_EVENT_TYPES,
    )
    consumer_app = create_app(consumer_settings, runtime, title="consumer")
    directory = MembershipDirectory(runtime.db)
    consumer_app.state.membership_directory = directory

    @consumer_app.get("/organisations/{organisation_id}/campaigns")
    async def campaigns(
        organisation_id: str, who: Principal = Depends(member_of(roles=("ADMIN", "MEMBER")))
    ) -> dict[str, Any]:
        return {"ok": True, "user": who.user_id}

    @consumer_app.post("/organisations/{organisation_id}/settings")
    async def admin_only(
        organisation_id: str, who: Principal = Depends(member_of(roles=("ADMIN",)))
    ) -> dict[str, Any]:
        return {"ok": True}

    tokens = TokenFactory()
    producer_app = create_organisation_app(producer_settings)
    staff = tokens.headers("staff", roles=["platform-admin"])
    try:
        async with (
            LifespanManager(producer_app, startup_timeout=60),
            LifespanManager(consumer_app, startup_timeout=60),
        ):
            producer_app.state.verifier.add_keys(tokens.jwks())
            consumer_app.state.verifier.add_keys(tokens.jwks())
            org = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=producer_app), base_url="http://org"
            )
            other = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=consumer_app), base_url="http://svc"
            )
            r = await org.post(
                "/organisations", json={"name": "Lycée", "type": "SCO"}, headers=staff
            )
            org_id = r.json()["id"]
            for user, role in (("alice", "ADMIN"), ("bob", "MEMBER"), ("carol", "MEMBER")):
                r = await org.post(
                    f"/organisations/{org_id}/members",
                    json={"user_id": user, "role": role},
                    headers=staff,
                )
                assert r.status_code == 201
            members = (
                await org.get(
                    f"/organisations/{org_id}/memberships", headers=tokens.headers("alice")
                )
            ).json()["data"]
            ids = {m["user_id"]: m["id"] for m in members}
            alice = tokens.headers("alice")
            await org.patch(
                f"/organisations/{org_id}/memberships/{ids['bob']}",
                json={"role": "ADMIN"},
                headers=alice,
            )
            await org.delete(f"/organisations/{org_id}/memberships/{ids['carol']}", headers=alice)

            async def caught_up() -> bool:
                return (
                    await directory.role_of("bob", org_id) == "ADMIN"
                    and await directory.role_of("carol", org_id) is None
                    and await directory.role_of("alice", org_id) == "ADMIN"
                )

            assert await eventually(caught_up, timeout=60)
            assert await directory.organisations_of("bob") == {org_id: "ADMIN"}

            # the other service authorises from its projection
            url = f"/organisations/{org_id}/campaigns"
            assert (await other.get(url, headers=tokens.headers("bob"))).status_code == 200
            denied = await other.get(url, headers=tokens.headers("carol"))
            assert denied.status_code == 403
            assert denied.json()["message"] == "Vous n'êtes pas membre de cette organisation."
            assert (await other.get(url)).status_code == 401
            assert (await other.get(url, headers=staff)).status_code == 200  # platform admin
            r = await other.post(f"/organisations/{org_id}/settings", headers=tokens.headers("bob"))
            assert r.status_code == 200

            # bob demotes alice: as a member she can no longer do admin work elsewhere either
            await org.patch(
                f"/organisations/{org_id}/memberships/{ids['alice']}",
                json={"role": "MEMBER"},
                headers=tokens.headers("bob"),
            )

            async def demoted() -> bool:
                return await directory.role_of("alice", org_id) == "MEMBER"

            assert await eventually(demoted, timeout=60)
            r = await other.post(f"/organisations/{org_id}/settings", headers=alice)
            assert r.status_code == 403
            assert "administrateurs" in r.json()["message"]

            # redelivery and replay change nothing: re-apply every event, oldest last
            snapshot = [d async for d in runtime.db["memberships"].find({}).sort("_id", 1)]
            stored = await producer_app.state.context.store.load(f"organisation-{org_id}")
            for recorded in reversed(stored):
                await projection.handle(recorded.envelope, recorded.event)
            again = [d async for d in runtime.db["memberships"].find({}).sort("_id", 1)]
            assert again == snapshot
            await org.aclose()
            await other.aclose()
    finally:
        from pymongo import AsyncMongoClient

        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url)
        await mongo.drop_database(producer_settings.database)
        await mongo.drop_database(consumer_settings.database)
        await mongo.close()

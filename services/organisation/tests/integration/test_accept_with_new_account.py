"""An invitee without an account creates one while accepting: identity is called over HTTP.

The real identity service runs under uvicorn on a local port (its own database and topics);
the organisation service calls `POST {identity_url}/users` with the invited e-mail, then the
new account logs in with identity and is a member of the organisation.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import uvicorn

from orga_shared.messaging.topics import compacted, ensure_topics
from orga_shared.ports import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
async def identity_url(infra: Any, new_topic: Any, tmp_path: Path) -> AsyncIterator[str]:
    identity_http = pytest.importorskip("identity.entrypoints.http")
    from identity.config import Settings as IdentitySettings

    profiles = f"identity.user-profiles.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [compacted(profiles, 1)])
    settings = IdentitySettings.model_validate(
        {
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
            "database": f"test_identity_{uuid.uuid4().hex[:8]}",
            "events_topic": await new_topic("identity.events"),
            "profiles_topic": profiles,
            "generated_signing_key_path": tmp_path / "signing-key.pem",
            "trusted_idp_keys_file": tmp_path / "trusted-idps.json",
        }
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            identity_http.create_app(settings),
            host="127.0.0.1",
            port=port,
            log_config=None,
            lifespan="on",
        )
    )
    task = asyncio.create_task(server.serve())
    for _ in range(300):
        if server.started:
            break
        await asyncio.sleep(0.1)
    assert server.started, "identity did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task
    from pymongo import AsyncMongoClient

    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url)
    await mongo.drop_database(settings.database)
    await mongo.close()


async def test_invitee_creates_an_account_and_joins(start_org, identity_url):
    org = await start_org(identity_url=identity_url)
    org_id = await org.create_org(admin="admin-1")
    await org.client.post(
        f"/organisations/{org_id}/invitations",
        json={"emails": "nouvelle.prof@exemple.fr"},
        headers=org.auth("admin-1"),
    )
    link = re.search(r"http://orga\.test/rejoindre\?\S+", org.mail_text(org.mails()[0]))
    assert link is not None
    query = parse_qs(urlparse(link.group(0)).query)
    invitation_id, code = query["invitationId"][0], query["code"][0]

    before = await org.snapshot()
    weak = {"first_name": "Nina", "last_name": "Roche", "password": "court"}
    r = await org.client.post(
        f"/invitations/{invitation_id}/accept", json={"code": code, "account": weak}
    )
    assert r.status_code in (400, 422), r.text  # identity's password policy, passed through
    assert r.json()["message"]
    assert await org.snapshot() == before

    account = {"first_name": "Nina", "last_name": "Roche", "password": "Secret123"}
    r = await org.client.post(
        f"/invitations/{invitation_id}/accept", json={"code": code, "account": account}
    )
    assert r.status_code == 200, r.text
    user_id = r.json()["user_id"]
    assert r.json()["role"] == "MEMBER"

    async with httpx.AsyncClient(base_url=identity_url) as identity:
        login = await identity.post(
            "/auth/token", json={"login": "nouvelle.prof@exemple.fr", "password": "Secret123"}
        )
    assert login.status_code == 200, login.text
    assert login.json()["user_id"] == user_id
    members = (
        await org.client.get(f"/organisations/{org_id}/memberships", headers=org.auth("admin-1"))
    ).json()["data"]
    assert user_id in {m["user_id"] for m in members}

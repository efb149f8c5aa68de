"""Tokens: verified by `JwksVerifier` over real HTTP, expiry, rotation, reuse, logout, keys."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from identity.adapters.keys import load_or_create_private, private_pem
from identity.entrypoints.http import create_app
from orga_shared.http.auth import JwksVerifier
from orga_shared.testing.contract import live_app
from orga_shared.testing.tokens import TokenFactory

from .conftest import AppFactory, Running, make_settings

pytestmark = pytest.mark.integration


async def test_tokens_verify_with_jwks_verifier_fetching_the_real_endpoint(
    running: Running, tmp_path
) -> None:
    settings = make_settings(
        running.infra,
        tmp_path,
        running.settings.events_topic,
        running.settings.profiles_topic,
        database=running.settings.database,
    )
    with live_app(create_app(settings)) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            r = await http.post(
                "/users",
                json={
                    "first_name": "Jo",
                    "last_name": "Verif",
                    "email": "jwks@exemple.fr",
                    "password": "Secret123",
                },
            )
            assert r.status_code == 201
            user_id = r.json()["id"]
            token = (
                await http.post(
                    "/auth/token", json={"login": "jwks@exemple.fr", "password": "Secret123"}
                )
            ).json()["access_token"]
            jwks = (await http.get("/.well-known/jwks.json")).json()

        verifier = JwksVerifier(
            f"{base}/.well-known/jwks.json", issuer="orga-identity", audience="orga"
        )
        principal = await verifier.verify(token)

    assert principal.user_id == user_id
    assert principal.roles == frozenset()
    assert principal.claims["iss"] == "orga-identity" and principal.claims["aud"] == "orga"
    assert principal.claims["exp"] - int(principal.claims["iat"]) == 900
    [key] = jwks["keys"]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
    assert "d" not in key, "the private part must never be published"


async def test_expired_access_token_is_refused(identity_app: AppFactory) -> None:
    running = await identity_app(access_token_ttl_seconds=4)  # margin for a loaded machine
    _, email = await running.register()
    headers = await running.bearer(email)
    assert (await running.client.get("/users/me", headers=headers)).status_code == 200

    await asyncio.sleep(4.5)
    r = await running.client.get("/users/me", headers=headers)

    assert r.status_code == 401
    assert r.json()["code"] == "TOKEN_EXPIRED"


async def test_token_from_an_unknown_key_is_refused(running: Running) -> None:
    user_id, _ = await running.register()
    forged = TokenFactory().headers(user_id, roles=["platform-admin"])

    r = await running.client.get("/users/me", headers=forged)

    assert r.status_code == 401 and r.json()["code"] == "INVALID_TOKEN"


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(running: Running) -> None:
    _, email = await running.register()
    first = (await running.login(email)).json()

    second = await running.client.post(
        "/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert (
        await running.client.get(
            "/users/me", headers={"Authorization": f"Bearer {rotated['access_token']}"}
        )
    ).status_code == 200

    reuse = await running.client.post(
        "/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reuse.status_code == 401 and reuse.json()["code"] == "REFRESH_TOKEN_REUSED"

    after = await running.client.post(
        "/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert after.status_code == 401 and after.json()["code"] == "INVALID_REFRESH_TOKEN"


async def test_concurrent_refreshes_of_one_token_have_one_winner(running: Running) -> None:
    _, email = await running.register()
    token = (await running.login(email)).json()["refresh_token"]

    results = await asyncio.gather(
        *(running.client.post("/auth/refresh", json={"refresh_token": token}) for _ in range(8))
    )

    assert sum(r.status_code == 200 for r in results) <= 1


async def test_logout_revokes_the_refresh_token(running: Running) -> None:
    _, email = await running.register()
    tokens = (await running.login(email)).json()
    other_session = (await running.login(email)).json()

    r = await running.client.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204

    refused = await running.client.post(
        "/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refused.status_code == 401 and refused.json()["code"] == "INVALID_REFRESH_TOKEN"
    still = await running.client.post(
        "/auth/refresh", json={"refresh_token": other_session["refresh_token"]}
    )
    assert still.status_code == 200, "logout closes this session, not the other device's"


async def test_logout_everywhere_closes_every_session_of_the_user(running: Running) -> None:
    _, email = await running.register()
    _, other_email = await running.register()
    sessions = [(await running.login(email)).json() for _ in range(2)]
    other = (await running.login(other_email)).json()
    headers = {"Authorization": f"Bearer {sessions[0]['access_token']}"}

    assert (
        await running.client.post("/auth/logout-everywhere", headers=headers)
    ).status_code == 204

    for session in sessions:
        r = await running.client.post(
            "/auth/refresh", json={"refresh_token": session["refresh_token"]}
        )
        assert r.status_code == 401
    r = await running.client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert r.status_code == 200


async def test_unknown_refresh_token_is_refused(running: Running) -> None:
    r = await running.client.post("/auth/refresh", json={"refresh_token": "nope"})
    assert r.status_code == 401 and r.json()["code"] == "INVALID_REFRESH_TOKEN"


async def test_generated_key_survives_a_restart_and_rotation_lists_the_previous_key(
    identity_app: AppFactory, tmp_path
) -> None:
    first = await identity_app()
    _, email = await first.register()
    token = (await first.login(email)).json()["access_token"]
    kid = (await first.client.get("/.well-known/jwks.json")).json()["keys"][0]["kid"]

    restarted = await identity_app(database=first.settings.database)
    assert (await restarted.client.get("/.well-known/jwks.json")).json()["keys"][0]["kid"] == kid
    headers = {"Authorization": f"Bearer {token}"}
    assert (await restarted.client.get("/users/me", headers=headers)).status_code == 200

    new_key = tmp_path / "new-key.pem"
    new_key.write_bytes(private_pem(load_or_create_private(tmp_path / "other.pem")))
    rotated = await identity_app(
        database=first.settings.database,
        signing_key_file=new_key,
        previous_signing_key_file=tmp_path / "signing-key.pem",
    )
    kids = [k["kid"] for k in (await rotated.client.get("/.well-known/jwks.json")).json()["keys"]]
    assert len(kids) == 2 and kids[1] == kid and kids[0] != kid
    assert (await rotated.client.get("/users/me", headers=headers)).status_code == 200
    fresh = await rotated.bearer(email)
    assert (await rotated.client.get("/users/me", headers=fresh)).status_code == 200

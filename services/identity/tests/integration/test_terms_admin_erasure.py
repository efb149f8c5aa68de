"""Orga terms of use, platform administrators, erasure, and the profile relay after a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from identity.application.accounts import repair_drafts
from identity.domain.user import Register
from identity.entrypoints.cli import _create_admin
from orga_shared.testing.fixtures import eventually

from .conftest import Running, profile_records

pytestmark = pytest.mark.integration


async def test_accepting_the_orga_terms_is_recorded_once(running: Running) -> None:
    user_id, email = await running.register()
    headers = await running.bearer(email)

    first = await running.client.patch(
        "/users/me/pix-orga-terms-of-service-acceptance", headers=headers
    )
    second = await running.client.patch(
        f"/users/{user_id}/pix-orga-terms-of-service-acceptance", headers=headers
    )

    assert first.json() == {"pix_orga_terms_of_service_accepted": True, "recorded_now": True}
    assert second.json()["recorded_now"] is False
    me = (await running.client.get("/users/me", headers=headers)).json()
    assert me["pix_orga_terms_of_service_accepted"] is True
    accepted = [
        e for e in await running.events(user_id) if e.event_type == "TermsOfServiceAccepted"
    ]
    assert len(accepted) == 1 and accepted[0].payload == {"user_id": user_id, "terms": "pix-orga"}


async def test_terms_cannot_be_accepted_for_someone_else_or_anonymously(running: Running) -> None:
    other_id, _ = await running.register()
    _, email = await running.register()
    headers = await running.bearer(email)

    forbidden = await running.client.patch(
        f"/users/{other_id}/pix-orga-terms-of-service-acceptance", headers=headers
    )
    anonymous = await running.client.patch("/users/me/pix-orga-terms-of-service-acceptance")

    assert forbidden.status_code == 403
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "UNAUTHENTICATED"
    assert not [
        e for e in await running.events(other_id) if e.event_type == "TermsOfServiceAccepted"
    ]


async def test_create_admin_command_gives_the_platform_admin_role(running: Running, capsys) -> None:
    assert await _create_admin(running.settings, "admin@orga.fr", "Admin2026x") == 0
    assert await _create_admin(running.settings, "admin@orga.fr", "Admin2026x") == 0

    tokens = (await running.login("admin@orga.fr", "Admin2026x")).json()
    principal = await running.app.state.verifier.verify(tokens["access_token"])
    assert principal.is_platform_admin
    grants = [e for e in await running.events(tokens["user_id"]) if e.event_type == "RoleGranted"]
    assert len(grants) == 1


async def test_erasure_tombstones_the_profile_and_closes_the_account(running: Running) -> None:
    await _create_admin(running.settings, "admin@orga.fr", "Admin2026x")
    admin = await running.bearer("admin@orga.fr", "Admin2026x")
    user_id, email = await running.register()
    user = await running.bearer(email)

    assert (await running.client.delete(f"/admin/users/{user_id}", headers=user)).status_code == 403
    r = await running.client.delete(f"/admin/users/{user_id}", headers=admin)

    assert r.status_code == 204
    assert (await running.login(email)).status_code == 401
    assert (await running.client.get("/users/me", headers=user)).status_code == 404
    records = profile_records(await running.topic(running.settings.profiles_topic, 3), user_id)
    assert records[-1] is None, "the last record of an erased person is a tombstone"
    assert (await running.events(user_id))[-1].event_type == "UserErased"
    stored = await running.db["profiles"].find_one({"_id": user_id})
    assert stored["email"] is None and stored["first_name"] is None
    _, again = await running.register(email=email)
    assert again == email, "the e-mail is free again"


async def test_the_relay_publishes_a_profile_left_unpublished_by_a_crash(running: Running) -> None:
    user_id, _ = await running.register()
    await running.db["profiles"].update_one(
        {"_id": user_id},
        {"$set": {"last_name": "Après-Crash", "published": False}, "$inc": {"version": 1}},
    )

    async def published() -> bool:
        doc = await running.db["profiles"].find_one({"_id": user_id})
        return bool(doc and doc["published"])

    assert await eventually(published)
    records = profile_records(await running.topic(running.settings.profiles_topic, 2), user_id)
    assert records[-1] is not None and records[-1]["last_name"] == "Après-Crash"
    assert records[-1]["version"] == 2


async def test_drafts_left_by_a_crash_are_finished_or_removed(running: Running) -> None:
    ctx = running.ctx
    await ctx.logins.reserve("email:done@exemple.fr", "u-done")
    await ctx.profiles.create(
        "u-done", draft=True, first_name="Ada", last_name="Done", email="done@exemple.fr"
    )
    await ctx.users.execute("u-done", Register("u-done", "email", with_password=True))
    await ctx.logins.reserve("email:ghost@exemple.fr", "u-ghost")
    await ctx.credentials.set_password("u-ghost", "hash")
    await ctx.profiles.create(
        "u-ghost", draft=True, first_name="Gus", last_name="Ghost", email="ghost@exemple.fr"
    )
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    await running.db["profiles"].update_many({}, {"$set": {"updated_at": long_ago}})

    assert await repair_drafts(ctx) == 2

    assert (await ctx.profiles.get("u-done") or {}).get("email") == "done@exemple.fr"
    assert await ctx.profiles.get("u-ghost") is None
    assert await ctx.logins.owner("email:ghost@exemple.fr") is None
    assert await ctx.credentials.password_hash("u-ghost") is None
    records = await running.topic(running.settings.profiles_topic, 1)
    assert [r.key for r in records] == [b"u-done"], "a person without account is never published"

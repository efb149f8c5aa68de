"""Use cases on in-memory adapters: my profile, terms of use, platform admin, erasure."""

from __future__ import annotations

import pytest

from identity.application.accounts import register_with_email
from identity.application.admin import create_platform_admin, erase_user
from identity.application.errors import InvalidCredentials, InvalidRefreshToken
from identity.application.login import login_with_password
from identity.application.profile import get_me, update_me
from identity.application.sessions import refresh_session
from identity.application.terms import accept_orga_terms
from identity.domain.errors import InvalidInput, UserNotFound

from .memory import event_types, last_published, memory_context

pytestmark = pytest.mark.unit

EMAIL = "camille@exemple.fr"


async def registered():
    ctx = memory_context()
    user_id = await register_with_email(
        ctx, first_name="Camille", last_name="Durand", email=EMAIL, password="Secret123"
    )
    return ctx, user_id


async def test_terms_are_recorded_once() -> None:
    ctx, user_id = await registered()

    assert await accept_orga_terms(ctx, user_id) is True
    assert await accept_orga_terms(ctx, user_id) is False

    assert event_types(ctx, user_id).count("TermsOfServiceAccepted") == 1
    assert (await get_me(ctx, user_id))["pix_orga_terms_of_service_accepted"] is True


async def test_editing_my_profile_records_and_publishes_only_what_changed() -> None:
    ctx, user_id = await registered()

    me = await update_me(ctx, user_id, {"first_name": " Camille ", "last_name": "Martin"})

    assert me["last_name"] == "Martin"
    assert event_types(ctx, user_id)[-1] == "UserProfileChanged"
    profile = last_published(ctx, user_id)
    assert profile is not None and profile["last_name"] == "Martin" and profile["version"] == 2
    with pytest.raises(InvalidInput) as caught:
        await update_me(ctx, user_id, {"last_name": ""})
    assert caught.value.field == "last_name"


async def test_a_platform_admin_is_created_once_and_promoted() -> None:
    ctx = memory_context()

    user_id, created = await create_platform_admin(
        ctx, email="admin@exemple.fr", password="Adm1nOrga"
    )
    again, created_again = await create_platform_admin(
        ctx, email="admin@exemple.fr", password="Adm1nOrga"
    )

    assert created and not created_again and again == user_id
    assert (await get_me(ctx, user_id))["roles"] == ["platform-admin"]
    assert event_types(ctx, user_id).count("RoleGranted") == 1


async def test_erasure_removes_personal_data_secrets_and_sessions() -> None:
    ctx, user_id = await registered()
    session = await login_with_password(ctx, EMAIL, "Secret123")

    await erase_user(ctx, user_id)

    assert event_types(ctx, user_id)[-1] == "UserErased"
    assert last_published(ctx, user_id) is None, "a tombstone on the profile topic"
    assert await ctx.credentials.password_hash(user_id) is None
    assert await ctx.logins.keys_of(user_id) == []
    with pytest.raises(InvalidRefreshToken):
        await refresh_session(ctx, session.refresh_token)
    with pytest.raises(InvalidCredentials):
        await login_with_password(ctx, EMAIL, "Secret123")
    with pytest.raises(UserNotFound):
        await get_me(ctx, user_id)

"""Use cases on in-memory adapters: registering by e-mail, student accounts, crash repair."""

from __future__ import annotations

from datetime import date

import pytest

from identity.application.accounts import (
    register_with_email,
    register_with_username,
    repair_drafts,
)
from identity.application.errors import EmailTaken
from identity.domain.errors import InvalidInput, WeakPassword
from identity.domain.login_keys import email_key, username_key

from .memory import Clock, event_types, last_published, memory_context

pytestmark = pytest.mark.unit


async def register(ctx, email: str = "camille@exemple.fr", password: str = "Secret123") -> str:
    return await register_with_email(
        ctx, first_name=" Camille ", last_name="Durand", email=email, password=password
    )


async def test_email_account_is_stored_published_and_recorded() -> None:
    ctx = memory_context()

    user_id = await register(ctx, email=" Camille@Exemple.FR ")

    assert event_types(ctx, user_id) == ["UserRegistered", "PasswordChanged"]
    assert await ctx.logins.owner(email_key("camille@exemple.fr")) == user_id
    published = last_published(ctx, user_id)
    assert published is not None
    assert (published["first_name"], published["email"]) == ("Camille", "camille@exemple.fr")
    assert await ctx.credentials.password_hash(user_id) is not None


async def test_a_taken_email_is_refused_on_the_email_field() -> None:
    ctx = memory_context()
    await register(ctx)

    with pytest.raises(EmailTaken) as caught:
        await register(ctx, email="CAMILLE@exemple.fr")

    assert caught.value.field == "email" and caught.value.code == "EMAIL_ALREADY_USED"


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"password": "faible"}, WeakPassword, "password"),
        ({"email": "pas-un-email"}, InvalidInput, "email"),
        ({"first_name": "   "}, InvalidInput, "first_name"),
    ],
)
async def test_bad_input_writes_nothing(change: dict, error: type, field: str) -> None:
    ctx = memory_context()
    body = {"first_name": "Camille", "last_name": "Durand", "email": "c@exemple.fr"}
    body |= {"password": "Secret123"} | change

    with pytest.raises(error) as caught:
        await register_with_email(ctx, **body)

    assert caught.value.field == field
    assert await ctx.logins.keys_of("anyone") == []
    assert ctx.passwords.counters.hashes == 0


async def test_student_account_gets_first_dot_last_and_birth_day_then_random_digits() -> None:
    ctx = memory_context()
    student = {"first_name": "Jean-Éric", "last_name": "de La Fontaine", "password": "Secret123"}

    first_id, first = await register_with_username(ctx, birth_date="07/03/2011", **student)
    second_id, second = await register_with_username(ctx, birth_date="2011-03-07", **student)

    assert first == "jeaneric.delafontaine0703"
    assert second.startswith("jeaneric.delafontaine") and second != first
    assert await ctx.logins.owner(username_key(second)) == second_id
    assert event_types(ctx, first_id) == ["UserRegistered", "PasswordChanged"]
    profile = last_published(ctx, first_id)
    assert profile is not None and profile["birth_date"] == "2011-03-07"
    assert profile["email"] is None


async def test_a_birth_date_in_the_future_is_refused() -> None:
    ctx = memory_context()
    with pytest.raises(InvalidInput) as caught:
        await register_with_username(
            ctx, first_name="A", last_name="B", birth_date=date(2030, 1, 1), password="Secret123"
        )
    assert caught.value.field == "birth_date"


async def test_an_orphan_reservation_is_reclaimed_after_the_grace_period() -> None:
    clock = Clock()
    ctx = memory_context(clock)
    student = {"first_name": "Léa", "last_name": "Martin", "password": "Secret123"}
    await ctx.logins.reserve(username_key("lea.martin0105"), "crashed-before-its-event")
    await ctx.profiles.create("crashed-before-its-event", draft=True, username="lea.martin0105")

    _, within_grace = await register_with_username(ctx, birth_date="2012-05-01", **student)
    clock.advance(minutes=3)
    user_id, after_grace = await register_with_username(ctx, birth_date="2012-05-01", **student)

    assert within_grace != "lea.martin0105" and after_grace == "lea.martin0105"
    assert await ctx.logins.owner(username_key("lea.martin0105")) == user_id
    assert await ctx.profiles.drafts_before(clock()) == []


async def test_repair_finishes_written_accounts_and_drops_the_others() -> None:
    clock = Clock()
    ctx = memory_context(clock)
    user_id = await register(ctx)
    await ctx.profiles.create("ghost", draft=True, first_name="Ghost")
    await ctx.logins.reserve(email_key("ghost@exemple.fr"), "ghost")
    clock.advance(minutes=3)

    assert await repair_drafts(ctx) == 1

    assert await ctx.logins.keys_of("ghost") == []
    assert await ctx.profiles.drafts_before(clock()) == []
    assert await ctx.profiles.get(user_id) is not None

"""Use cases on in-memory adapters: "mot de passe oublié" for e-mail accounts."""

from __future__ import annotations

import pytest

from identity.application.accounts import register_with_email, register_with_username
from identity.application.admin import erase_user
from identity.application.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidRefreshToken,
    ResetLinkInvalid,
)
from identity.application.login import login_with_password
from identity.application.password_reset import (
    check_reset_link,
    request_password_reset,
    reset_password,
)
from identity.application.recovery import confirm_recovery, request_recovery
from identity.application.sessions import refresh_session
from identity.application.sso import login_with_assertion
from identity.domain.errors import InvalidInput, WeakPassword

from .memory import Clock, event_types, mails_sent, memory_context, trust

pytestmark = pytest.mark.unit

EMAIL = "camille@exemple.fr"


async def registered(clock: Clock | None = None):
    ctx = memory_context(clock, threshold=3)
    user_id = await register_with_email(
        ctx, first_name="Camille", last_name="Durand", email=EMAIL, password="Secret123"
    )
    return ctx, user_id


def reset_tokens(ctx) -> list[str]:
    return [token for kind, _, token in mails_sent(ctx) if kind == "reset"]


async def test_a_reset_link_sets_a_new_password_and_closes_every_session() -> None:
    ctx, user_id = await registered()
    session = await login_with_password(ctx, EMAIL, "Secret123")

    await request_password_reset(ctx, email=" Camille@Exemple.fr ")
    [(kind, to, token)] = mails_sent(ctx)
    assert (kind, to) == ("reset", EMAIL)
    assert await check_reset_link(ctx, token) == EMAIL

    assert await reset_password(ctx, token=token, password="Nouveau2026") == user_id

    assert (await login_with_password(ctx, EMAIL, "Nouveau2026")).user_id == user_id
    with pytest.raises(InvalidCredentials):
        await login_with_password(ctx, EMAIL, "Secret123")
    with pytest.raises(InvalidRefreshToken):
        await refresh_session(ctx, session.refresh_token)
    assert event_types(ctx, user_id) == [
        "UserRegistered",
        "PasswordChanged",
        "PasswordChanged",
        "SessionsRevoked",
    ]


async def test_a_link_works_once() -> None:
    ctx, _ = await registered()
    await request_password_reset(ctx, email=EMAIL)
    [token] = reset_tokens(ctx)
    await reset_password(ctx, token=token, password="Nouveau2026")

    with pytest.raises(ResetLinkInvalid) as again:
        await reset_password(ctx, token=token, password="Autre2026x")
    with pytest.raises(ResetLinkInvalid):
        await check_reset_link(ctx, token)
    assert again.value.code == "RESET_LINK_INVALID" and again.value.field == "token"
    assert again.value.message.startswith("Ce lien n'est plus valable")


async def test_the_answer_is_the_same_for_an_unknown_address_and_nothing_is_sent() -> None:
    ctx, _ = await registered()
    _, username = await register_with_username(
        ctx, first_name="Léa", last_name="Martin", birth_date="2012-05-01", password="Secret123"
    )
    await login_with_assertion(ctx, trust(ctx, "sso"))

    assert await request_password_reset(ctx, email="personne@exemple.fr") is None
    await request_password_reset(ctx, email=f"{username}@exemple.fr")

    assert mails_sent(ctx) == []
    with pytest.raises(InvalidInput):
        await request_password_reset(ctx, email="pas-une-adresse")


async def test_a_weak_password_keeps_the_link_usable() -> None:
    ctx, user_id = await registered()
    await request_password_reset(ctx, email=EMAIL)
    [token] = reset_tokens(ctx)

    with pytest.raises(WeakPassword) as weak:
        await reset_password(ctx, token=token, password="faible")
    assert weak.value.field == "password"
    assert event_types(ctx, user_id) == ["UserRegistered", "PasswordChanged"]

    assert await reset_password(ctx, token=token, password="Solide2026") == user_id


async def test_an_expired_link_is_refused() -> None:
    clock = Clock()
    ctx, _ = await registered(clock)
    await request_password_reset(ctx, email=EMAIL)
    [token] = reset_tokens(ctx)

    clock.advance(minutes=61)

    with pytest.raises(ResetLinkInvalid):
        await check_reset_link(ctx, token)
    with pytest.raises(ResetLinkInvalid):
        await reset_password(ctx, token=token, password="Nouveau2026")


async def test_a_reset_lifts_the_failed_login_lock() -> None:
    ctx, user_id = await registered()
    for i in range(2):
        with pytest.raises(InvalidCredentials):
            await login_with_password(ctx, EMAIL, f"Wrong{i}xyZ")
    with pytest.raises(AccountLocked):
        await login_with_password(ctx, EMAIL, "Wrong2xyZ")
    with pytest.raises(AccountLocked):
        await login_with_password(ctx, EMAIL, "Secret123")

    await request_password_reset(ctx, email=EMAIL)
    [token] = reset_tokens(ctx)
    await reset_password(ctx, token=token, password="Nouveau2026")

    assert (await login_with_password(ctx, EMAIL, "Nouveau2026")).user_id == user_id


async def test_the_other_links_of_the_account_die_with_the_reset() -> None:
    ctx, _ = await registered()
    await request_password_reset(ctx, email=EMAIL)
    await request_password_reset(ctx, email=EMAIL)
    first, second = reset_tokens(ctx)

    await reset_password(ctx, token=second, password="Nouveau2026")

    with pytest.raises(ResetLinkInvalid):
        await reset_password(ctx, token=first, password="Autre2026x")


async def test_no_more_than_the_pending_limit_is_sent() -> None:
    ctx, _ = await registered()
    for _ in range(5):
        await request_password_reset(ctx, email=EMAIL)

    assert len(reset_tokens(ctx)) == ctx.password_reset_max_pending == 3


async def test_a_failed_mail_leaves_no_link_and_the_same_answer() -> None:
    ctx, _ = await registered()
    ctx.mails.failing = True  # type: ignore[attr-defined]

    assert await request_password_reset(ctx, email=EMAIL) is None

    assert ctx.password_resets.demands == {}  # type: ignore[attr-defined]


async def test_an_erased_account_forgets_its_links() -> None:
    ctx, user_id = await registered()
    await request_password_reset(ctx, email=EMAIL)
    [token] = reset_tokens(ctx)

    await erase_user(ctx, user_id)

    assert ctx.password_resets.demands == {}  # type: ignore[attr-defined]
    with pytest.raises(ResetLinkInvalid):
        await reset_password(ctx, token=token, password="Nouveau2026")


async def test_a_recovered_school_account_can_reset_its_password() -> None:
    ctx = memory_context()
    sso = await login_with_assertion(ctx, trust(ctx, "first"))
    user_id = sso.tokens.user_id
    await ctx.profiles.update(user_id, {"birth_date": "2008-09-14"})
    names = {"first_name": "Noémie", "last_name": "Le Gall", "birth_date": "2008-09-14"}
    await request_recovery(ctx, **names, email="noemie@exemple.fr")
    [(_, _, recovery)] = mails_sent(ctx)
    await confirm_recovery(ctx, token=recovery, password="Premier2026")

    await request_password_reset(ctx, email="noemie@exemple.fr")
    [token] = reset_tokens(ctx)

    assert await reset_password(ctx, token=token, password="Second2026") == user_id
    assert (await login_with_password(ctx, "noemie@exemple.fr", "Second2026")).user_id == user_id

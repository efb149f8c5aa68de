"""Use cases on in-memory adapters: school SSO (first and later login), account recovery."""

from __future__ import annotations

import pytest

from identity.application.errors import (
    EmailTaken,
    InvalidRecoveryToken,
    InvalidRefreshToken,
    MailUnavailable,
    RecoveryAccountNotFound,
)
from identity.application.login import login_with_password
from identity.application.recovery import confirm_recovery, request_recovery
from identity.application.sessions import refresh_session
from identity.application.sso import login_with_assertion
from identity.domain.errors import AssertionRejected, AssertionReplayed

from .memory import event_types, last_published, mails_sent, memory_context, trust

pytestmark = pytest.mark.unit

NOEMIE = {"first_name": "Noemie", "last_name": "LE GALL", "birth_date": "14/09/2008"}


async def sso_student(ctx, external_id: str = "GAR-1") -> str:
    assertion = trust(ctx, f"first-{external_id}", external_id=external_id)
    result = await login_with_assertion(ctx, assertion)
    profile = await ctx.profiles.update(result.tokens.user_id, {"birth_date": "2008-09-14"})
    assert profile is not None
    return result.tokens.user_id


async def test_first_assertion_creates_the_account_later_ones_log_it_in() -> None:
    ctx = memory_context()

    first = await login_with_assertion(ctx, trust(ctx, "a1"))
    later = await login_with_assertion(ctx, trust(ctx, "a2", last_name="Le Gall-Martin"))

    assert first.created and not later.created
    user_id = first.tokens.user_id
    assert later.tokens.user_id == user_id
    assert event_types(ctx, user_id) == [
        "UserRegistered",
        "ExternalIdentityLinked",
        "UserProfileChanged",
    ]
    profile = last_published(ctx, user_id)
    assert profile is not None and profile["last_name"] == "Le Gall-Martin"
    assert await ctx.credentials.password_hash(user_id) is None


async def test_an_assertion_is_used_once_and_an_unknown_one_logs_no_one_in() -> None:
    ctx = memory_context()
    await login_with_assertion(ctx, trust(ctx, "once"))

    with pytest.raises(AssertionReplayed):
        await login_with_assertion(ctx, "once")
    with pytest.raises(AssertionRejected):
        await login_with_assertion(ctx, "forged")


async def test_recovery_gives_a_school_account_an_email_and_a_password() -> None:
    ctx = memory_context()
    user_id = await sso_student(ctx)
    session = (await login_with_assertion(ctx, trust(ctx, "again"))).tokens

    await request_recovery(ctx, **NOEMIE, email="noemie@exemple.fr")
    [(kind, to, token)] = mails_sent(ctx)
    assert (kind, to) == ("link", "noemie@exemple.fr")
    assert await confirm_recovery(ctx, token=token, password="Nouveau2026") == user_id

    assert (await login_with_password(ctx, "noemie@exemple.fr", "Nouveau2026")).user_id == user_id
    assert event_types(ctx, user_id)[-4:] == [
        "AccountRecovered",
        "PasswordChanged",
        "UserProfileChanged",
        "SessionsRevoked",
    ]
    with pytest.raises(InvalidRefreshToken):
        await refresh_session(ctx, session.refresh_token)
    assert mails_sent(ctx)[-1][:2] == ("done", "noemie@exemple.fr")
    with pytest.raises(InvalidRecoveryToken):
        await confirm_recovery(ctx, token=token, password="Nouveau2026")
    with pytest.raises(RecoveryAccountNotFound):
        await request_recovery(ctx, **NOEMIE, email="autre@exemple.fr")


async def test_recovery_tolerates_a_typo_but_not_another_person() -> None:
    ctx = memory_context()
    await sso_student(ctx)

    await request_recovery(ctx, **(NOEMIE | {"first_name": "Noémi"}), email="n@exemple.fr")
    with pytest.raises(RecoveryAccountNotFound):
        await request_recovery(ctx, **(NOEMIE | {"first_name": "Nathalie"}), email="n@exemple.fr")
    with pytest.raises(RecoveryAccountNotFound):
        await request_recovery(ctx, **(NOEMIE | {"birth_date": "2008-09-15"}), email="n@exemple.fr")


async def test_two_matching_accounts_are_never_guessed_between() -> None:
    ctx = memory_context()
    await sso_student(ctx)
    await sso_student(ctx, "GAR-2")

    with pytest.raises(RecoveryAccountNotFound):
        await request_recovery(ctx, **NOEMIE, email="n@exemple.fr")
    assert mails_sent(ctx) == []


async def test_a_failed_mail_leaves_no_demand_behind() -> None:
    ctx = memory_context()
    await sso_student(ctx)
    ctx.mails.failing = True  # type: ignore[attr-defined]

    with pytest.raises(MailUnavailable):
        await request_recovery(ctx, **NOEMIE, email="n@exemple.fr")

    assert ctx.recovery_demands.demands == {}  # type: ignore[attr-defined]


async def test_an_email_taken_meanwhile_refuses_the_confirmation_which_can_be_retried() -> None:
    ctx = memory_context()
    user_id = await sso_student(ctx)
    await request_recovery(ctx, **NOEMIE, email="n@exemple.fr")
    [(_, _, token)] = mails_sent(ctx)
    await ctx.logins.reserve("email:n@exemple.fr", "someone-else")

    with pytest.raises(EmailTaken):
        await confirm_recovery(ctx, token=token, password="Nouveau2026")
    await ctx.logins.release("email:n@exemple.fr", "someone-else")

    assert await confirm_recovery(ctx, token=token, password="Nouveau2026") == user_id

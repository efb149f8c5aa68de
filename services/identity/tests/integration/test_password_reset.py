"""Password reset ("mot de passe oublié") on the real database, e-mails caught by the SMTP sink."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from orga_shared.clock import utcnow

from .conftest import Running, body_of

pytestmark = pytest.mark.integration

LINK = re.compile(r"http://127\.0\.0\.1:8100/mot-de-passe-oublie/(\S+)")


def reset_mails(running: Running, email: str) -> list[str]:
    mails = [m for m in running.mails.store.to(email) if "réinitialisation" in m["Subject"]]
    return [body_of(m) for m in mails]


def token_in(running: Running, email: str) -> str:
    *_, body = reset_mails(running, email)
    match = LINK.search(body)
    assert match, body
    return match.group(1)


async def ask(running: Running, email: str):
    return await running.client.post("/password-reset", json={"email": email})


async def confirm(running: Running, token: str, password: str = "Nouveau2026"):
    return await running.client.post(
        "/password-reset/confirm", json={"token": token, "password": password}
    )


async def test_forgotten_password_by_email_link(running: Running) -> None:
    user_id, email = await running.register()
    session = (await running.login(email)).json()

    asked = await ask(running, email.upper())
    assert asked.status_code == 202, asked.text
    assert asked.json()["message"].startswith("Si un compte Pix est associé à cette adresse")
    [body] = reset_mails(running, email)
    assert body.startswith("Bonjour Camille,") and "valable 1 heure" in body
    token = token_in(running, email)
    stored = await running.db["password_reset_demands"].find_one({"user_id": user_id})
    assert stored is not None and token not in str(stored), "only the digest is stored"

    checked = await running.client.get(f"/password-reset-demands/{token}")
    assert checked.status_code == 200 and checked.json() == {"email": email}

    done = await confirm(running, token)
    assert done.status_code == 200, done.text
    assert done.json()["message"].startswith("Votre mot de passe a été modifié.")

    assert (await running.login(email, "Secret123")).status_code == 401
    assert (await running.login(email, "Nouveau2026")).status_code == 200
    refreshed = await running.client.post(
        "/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert refreshed.status_code == 401, "every session was closed"
    types = [e.event_type for e in await running.events(user_id)]
    assert types == ["UserRegistered", "PasswordChanged", "PasswordChanged", "SessionsRevoked"]

    again = await confirm(running, token, "Encore2026")
    assert again.status_code == 404 and again.json()["code"] == "RESET_LINK_INVALID"
    assert again.json()["field"] == "token"
    gone = await running.client.get(f"/password-reset-demands/{token}")
    assert gone.status_code == 404 and gone.json()["message"].startswith("Ce lien n'est plus")


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(running: Running) -> None:
    _, email = await running.register()
    sent = len(running.mails.store.messages())

    known = await ask(running, email)
    unknown = await ask(running, "personne@exemple.fr")

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert len(running.mails.store.messages()) == sent + 1
    assert running.mails.store.to("personne@exemple.fr") == []


async def test_two_concurrent_confirmations_exactly_one_wins(running: Running) -> None:
    user_id, email = await running.register()
    await ask(running, email)
    token = token_in(running, email)

    first, second = await asyncio.gather(
        confirm(running, token, "Premier2026"), confirm(running, token, "Second2026")
    )

    assert sorted([first.status_code, second.status_code]) == [200, 404]
    winner = "Premier2026" if first.status_code == 200 else "Second2026"
    loser = "Second2026" if winner == "Premier2026" else "Premier2026"
    assert (await running.login(email, winner)).status_code == 200
    assert (await running.login(email, loser)).status_code == 401
    types = [e.event_type for e in await running.events(user_id)]
    assert types.count("PasswordChanged") == 2
    assert await running.db["password_reset_claims"].count_documents({}) == 1


async def test_a_weak_password_is_refused_and_the_link_stays_usable(running: Running) -> None:
    _, email = await running.register()
    await ask(running, email)
    token = token_in(running, email)
    commits = await running.commits()

    weak = await confirm(running, token, "faible")

    assert weak.status_code == 422
    assert weak.json()["code"] == "WEAK_PASSWORD" and weak.json()["field"] == "password"
    assert await running.commits() == commits
    assert (await running.client.get(f"/password-reset-demands/{token}")).status_code == 200
    assert (await confirm(running, token)).status_code == 200


async def test_a_reset_lifts_the_failed_login_lock(identity_app) -> None:
    running = await identity_app(lock_threshold=2, argon2_time_cost=1, argon2_memory_cost_kib=64)
    _, email = await running.register()
    for _ in range(2):
        await running.login(email, "Mauvais2026")
    assert (await running.login(email)).status_code == 429

    await ask(running, email)
    assert (await confirm(running, token_in(running, email))).status_code == 200

    assert (await running.login(email, "Nouveau2026")).status_code == 200


async def test_an_expired_or_unknown_link_is_refused(running: Running) -> None:
    user_id, email = await running.register()
    await ask(running, email)
    token = token_in(running, email)
    await running.db["password_reset_demands"].update_many(
        {"user_id": user_id}, {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}}
    )

    for link in (token, "inconnu"):
        r = await running.client.get(f"/password-reset-demands/{link}")
        assert r.status_code == 404 and r.json()["code"] == "RESET_LINK_INVALID"
        assert (await confirm(running, link)).status_code == 404


async def test_requests_beyond_the_pending_limit_send_nothing(running: Running) -> None:
    _, email = await running.register()

    answers = [(await ask(running, email)).status_code for _ in range(5)]

    assert answers == [202] * 5
    assert len(reset_mails(running, email)) == running.settings.password_reset_max_pending

"""Password login and brute-force protection on the real stack.

The proof that a locked account costs no hash is the adapter's argon2 verification counter.
"""

from __future__ import annotations

import asyncio

import pytest

from .conftest import AppFactory, Running

pytestmark = pytest.mark.integration


async def test_wrong_password_and_unknown_login_get_the_same_clear_error(
    running: Running,
) -> None:
    _, email = await running.register()

    wrong = await running.login(email, "Wrong1234")
    unknown = await running.login("nobody@exemple.fr", "Wrong1234")

    for r in (wrong, unknown):
        assert r.status_code == 401
        assert r.json() == {
            "code": "INVALID_CREDENTIALS",
            "message": (
                "L'adresse e-mail ou l'identifiant et/ou le mot de passe saisis sont incorrects."
            ),
            "field": None,
        }
    assert [e.event_type for e in await running.events()] == ["UserRegistered", "PasswordChanged"]


async def test_tenth_failure_locks_and_locked_attempts_cost_no_hash(running: Running) -> None:
    user_id, email = await running.register()
    counters = running.ctx.passwords.counters

    statuses = [(await running.login(email, f"Wrong{i}xyZ")).status_code for i in range(10)]
    assert statuses == [401] * 9 + [429]
    verified = counters.verifications
    assert verified == 10

    for password in ["Wrong99xyZ", "Secret123", "Wrong98xyZ"]:
        r = await running.login(email, password)
        assert r.status_code == 429
        assert r.json()["code"] == "ACCOUNT_TEMPORARILY_LOCKED"
        assert "2 minutes" in r.json()["message"]
        assert 100 <= int(r.headers["Retry-After"]) <= 120
    assert counters.verifications == verified, "a locked attempt must not hash"

    locks = [e for e in await running.events(user_id) if e.event_type == "UserLocked"]
    assert len(locks) == 1 and locks[0].payload["lock_level"] == 1
    assert set(locks[0].payload) == {"user_id", "locked_until", "lock_level"}


async def test_lock_expires_doubles_and_a_success_resets_it(identity_app: AppFactory) -> None:
    running = await identity_app(lock_threshold=3, lock_base_seconds=1.0)
    user_id, email = await running.register()

    for _ in range(3):
        await running.login(email, "Wrong123x")
    assert (await running.login(email, "Secret123")).status_code == 429
    await asyncio.sleep(1.1)
    for _ in range(3):
        await running.login(email, "Wrong123x")
    second = await running.login(email, "Secret123")
    assert second.status_code == 429 and int(second.headers["Retry-After"]) == 2
    await asyncio.sleep(2.1)

    assert (await running.login(email, "Secret123")).status_code == 200
    assert (await running.login(email, "Wrong123x")).status_code == 401
    levels = [
        e.payload["lock_level"]
        for e in await running.events(user_id)
        if e.event_type == "UserLocked"
    ]
    assert levels == [1, 2]


async def test_concurrent_guesses_get_at_most_ten_hashes(running: Running) -> None:
    _, email = await running.register()
    before = running.ctx.passwords.counters.verifications

    results = await asyncio.gather(*(running.login(email, f"Guess{i}Abc") for i in range(40)))

    hashed = running.ctx.passwords.counters.verifications - before
    assert hashed <= 10
    assert sum(r.status_code == 429 for r in results) >= 30


async def test_other_accounts_are_not_affected_by_a_locked_one(running: Running) -> None:
    _, victim = await running.register()
    _, other = await running.register()
    for _ in range(10):
        await running.login(victim, "Wrong123x")

    assert (await running.login(other, "Secret123")).status_code == 200

"""Account creation on the real stack: e-mail accounts, generated usernames, bad input."""

from __future__ import annotations

import pytest

from .conftest import Running, profile_records

pytestmark = pytest.mark.integration


async def test_register_then_login_and_read_my_profile(running: Running) -> None:
    user_id, email = await running.register(first_name="Élodie", last_name="Noël")

    headers = await running.bearer(email.upper())
    me = (await running.client.get("/users/me", headers=headers)).json()

    assert me["id"] == user_id
    assert (me["first_name"], me["last_name"], me["email"]) == ("Élodie", "Noël", email)
    assert me["login_methods"] == ["email"]
    assert me["pix_orga_terms_of_service_accepted"] is False
    types = [e.event_type for e in await running.events(user_id)]
    assert types == ["UserRegistered", "PasswordChanged"]


async def test_events_carry_ids_only_and_the_profile_goes_to_the_compacted_topic(
    running: Running,
) -> None:
    user_id, email = await running.register(first_name="Zinédine", last_name="Lefèvre")

    history = await running.topic(running.settings.events_topic, 2)
    assert len(history) == 2
    for record in history:
        text = record.value.decode()
        assert email not in text and "Zinédine" not in text and "Lef" not in text
        assert record.key == user_id.encode()
    profiles = profile_records(await running.topic(running.settings.profiles_topic, 1), user_id)
    assert profiles and profiles[-1] is not None
    assert profiles[-1]["email"] == email and profiles[-1]["first_name"] == "Zinédine"
    assert await running.db["profiles"].find_one({"_id": user_id, "published": True})


async def test_duplicate_email_is_refused_and_nothing_is_written(running: Running) -> None:
    _, email = await running.register()
    commits = await running.commits()
    profiles = await running.db["profiles"].count_documents({})

    r = await running.client.post(
        "/users",
        json={
            "first_name": "Autre",
            "last_name": "Personne",
            "email": f"  {email.upper()} ",
            "password": "Another123",
        },
    )

    assert r.status_code == 409
    assert r.json() == {
        "code": "EMAIL_ALREADY_USED",
        "message": "Cette adresse e-mail est déjà utilisée.",
        "field": "email",
    }
    assert await running.commits() == commits
    assert await running.db["profiles"].count_documents({}) == profiles


@pytest.mark.parametrize("password", ["short1A", "alllowercase1", "ALLUPPER123", "NoDigitsHere"])
async def test_weak_password_is_refused_and_nothing_is_written(
    running: Running, password: str
) -> None:
    r = await running.client.post(
        "/users",
        json={
            "first_name": "A",
            "last_name": "B",
            "email": "weak@exemple.fr",
            "password": password,
        },
    )

    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "WEAK_PASSWORD" and body["field"] == "password"
    assert "8 caractères" in body["message"]
    assert await running.commits() == 0
    assert await running.db["login_keys"].count_documents({}) == 0
    assert running.ctx.passwords.counters.hashes == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"first_name": "   "}, "first_name"),
        ({"last_name": "x" * 300}, "last_name"),
    ],
)
async def test_bad_identity_fields_are_refused(running: Running, body: dict, field: str) -> None:
    base = {"first_name": "A", "last_name": "B", "email": "ok@exemple.fr", "password": "Secret123"}
    r = await running.client.post("/users", json=base | body)

    assert r.status_code == 422
    assert r.json()["field"] == field
    assert await running.commits() == 0


async def test_student_accounts_get_the_real_username_rule_deduplicated(running: Running) -> None:
    body = {
        "first_name": "Jean-Éric",
        "last_name": "de La Fontaine",
        "birth_date": "07/03/2011",
        "password": "Eleve2024",
    }
    first = await running.client.post("/users/student-accounts", json=body)
    second = await running.client.post("/users/student-accounts", json=body)

    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["username"] == "jeaneric.delafontaine0703"
    other = second.json()["username"]
    assert other.startswith("jeaneric.delafontaine") and other != first.json()["username"]
    assert len(other) == len("jeaneric.delafontaine") + 4 and other[-4:].isdigit()

    headers = await running.bearer("  JeanEric.DeLaFontaine0703 ", "Eleve2024")
    me = (await running.client.get("/users/me", headers=headers)).json()
    assert me["id"] == first.json()["id"]
    assert me["username"] == "jeaneric.delafontaine0703"
    assert me["birth_date"] == "2011-03-07" and me["email"] is None
    assert me["login_methods"] == ["username"]


async def test_student_account_with_impossible_birth_date_is_refused(running: Running) -> None:
    body = {
        "first_name": "A",
        "last_name": "B",
        "birth_date": "31/02/2011",
        "password": "Eleve2024",
    }
    r = await running.client.post("/users/student-accounts", json=body)

    assert r.status_code == 422 and r.json()["field"] == "birth_date"
    assert await running.commits() == 0


async def test_profile_edit_is_published_with_a_new_version(running: Running) -> None:
    user_id, email = await running.register()
    headers = await running.bearer(email)

    r = await running.client.patch(
        "/users/me", json={"first_name": "Camille-Anne"}, headers=headers
    )

    assert r.status_code == 200 and r.json()["first_name"] == "Camille-Anne"
    changed = [e for e in await running.events(user_id) if e.event_type == "UserProfileChanged"]
    assert [e.payload["fields"] for e in changed] == [["first_name"]]
    records = profile_records(await running.topic(running.settings.profiles_topic, 2), user_id)
    assert records[-1] is not None
    assert records[-1]["first_name"] == "Camille-Anne" and records[-1]["version"] == 2

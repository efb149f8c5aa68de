"""Account recovery for students leaving school, with e-mails received by a real SMTP sink."""

from __future__ import annotations

import re

import pytest

from .conftest import Running, body_of

pytestmark = pytest.mark.integration


async def sso_student(running: Running, saml_id: str, birth_date: str | None = "2008-09-14") -> str:
    r = await running.client.post(
        "/sso/assertion",
        data={
            "assertion": running.idp.assertion(
                saml_id=saml_id,
                first_name="Noémie",
                last_name="Le Gall",
                birth_date=birth_date,
            )
        },
    )
    assert r.status_code == 201
    return str(r.json()["user_id"])


def token_in(running: Running, email: str) -> str:
    [mail] = [m for m in running.mails.store.to(email) if "Récupération" in m["Subject"]]
    match = re.search(r"Code de récupération : (\S+)", body_of(mail))
    assert match
    return match.group(1)


async def test_sso_student_recovers_the_account_with_an_email_and_a_password(
    running: Running,
) -> None:
    user_id = await sso_student(running, "GAR-REC-1")

    asked = await running.client.post(
        "/account-recovery",
        json={
            "first_name": " noemie ",
            "last_name": "LEGALL",
            "birth_date": "14/09/2008",
            "email": "noemie.legall@exemple.fr",
        },
    )
    assert asked.status_code == 202, asked.text
    token = token_in(running, "noemie.legall@exemple.fr")

    done = await running.client.post(
        "/account-recovery/confirm", json={"token": token, "password": "Etudiante2026"}
    )
    assert done.status_code == 200 and done.json()["user_id"] == user_id

    headers = await running.bearer("noemie.legall@exemple.fr", "Etudiante2026")
    me = (await running.client.get("/users/me", headers=headers)).json()
    assert me["id"] == user_id and me["email"] == "noemie.legall@exemple.fr"
    assert me["login_methods"] == ["email", "sso"] and me["has_password"] is True
    types = [e.event_type for e in await running.events(user_id)]
    assert types[-4:] == [
        "AccountRecovered",
        "PasswordChanged",
        "UserProfileChanged",
        "SessionsRevoked",
    ]
    assert any(
        "récupéré" in m["Subject"] for m in running.mails.store.to("noemie.legall@exemple.fr")
    )

    again = await running.client.post(
        "/account-recovery/confirm", json={"token": token, "password": "Etudiante2027"}
    )
    assert again.status_code == 404 and again.json()["code"] == "INVALID_RECOVERY_TOKEN"


async def test_username_student_recovers_through_the_username(running: Running) -> None:
    created = await running.client.post(
        "/users/student-accounts",
        json={
            "first_name": "Hugo",
            "last_name": "Bernard",
            "birth_date": "2009-01-02",
            "password": "Eleve2024",
        },
    )
    username = created.json()["username"]

    r = await running.client.post(
        "/account-recovery",
        json={
            "username": username,
            "first_name": "Hugo",
            "last_name": "Bernar",
            "birth_date": "2009-01-02",
            "email": "hugo@exemple.fr",
        },
    )
    assert r.status_code == 202
    token = token_in(running, "hugo@exemple.fr")
    await running.client.post(
        "/account-recovery/confirm", json={"token": token, "password": "Nouveau2026"}
    )

    assert (await running.login("hugo@exemple.fr", "Nouveau2026")).status_code == 200
    assert (await running.login(username, "Nouveau2026")).status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"birth_date": "2008-09-15"}, 404, "ACCOUNT_NOT_FOUND"),
        ({"first_name": "Nathalie"}, 404, "ACCOUNT_NOT_FOUND"),
        ({"birth_date": "pas une date"}, 422, "INVALID_INPUT"),
        ({"email": "pas-un-email"}, 422, "INVALID_INPUT"),
    ],
)
async def test_failed_identity_check_sends_nothing(
    running: Running, change: dict, status: int, code: str
) -> None:
    await sso_student(running, "GAR-REC-2")
    commits = await running.commits()
    sent = len(running.mails.store.messages())
    body = {
        "first_name": "Noémie",
        "last_name": "Le Gall",
        "birth_date": "2008-09-14",
        "email": "someone@exemple.fr",
    }

    r = await running.client.post("/account-recovery", json=body | change)

    assert r.status_code == status and r.json()["code"] == code
    assert len(running.mails.store.messages()) == sent
    assert await running.commits() == commits
    assert await running.db["recovery_demands"].count_documents({}) == 0


async def test_an_email_already_used_cannot_be_taken_by_recovery(running: Running) -> None:
    await sso_student(running, "GAR-REC-3")
    _, email = await running.register()

    r = await running.client.post(
        "/account-recovery",
        json={
            "first_name": "Noémie",
            "last_name": "Le Gall",
            "birth_date": "2008-09-14",
            "email": email,
        },
    )

    assert r.status_code == 409 and r.json()["code"] == "EMAIL_ALREADY_USED"


async def test_a_weak_password_at_confirmation_keeps_the_link_usable(running: Running) -> None:
    await sso_student(running, "GAR-REC-4")
    await running.client.post(
        "/account-recovery",
        json={
            "first_name": "Noémie",
            "last_name": "Le Gall",
            "birth_date": "2008-09-14",
            "email": "n4@exemple.fr",
        },
    )
    token = token_in(running, "n4@exemple.fr")
    commits = await running.commits()

    weak = await running.client.post(
        "/account-recovery/confirm", json={"token": token, "password": "faible"}
    )
    assert weak.status_code == 422 and weak.json()["code"] == "WEAK_PASSWORD"
    assert await running.commits() == commits

    ok = await running.client.post(
        "/account-recovery/confirm", json={"token": token, "password": "Solide2026"}
    )
    assert ok.status_code == 200


async def test_sso_account_without_known_birth_date_cannot_be_matched(running: Running) -> None:
    await sso_student(running, "GAR-REC-5", birth_date=None)

    r = await running.client.post(
        "/account-recovery",
        json={
            "first_name": "Noémie",
            "last_name": "Le Gall",
            "birth_date": "2008-09-14",
            "email": "n5@exemple.fr",
        },
    )

    assert r.status_code == 404


async def test_an_email_account_is_not_recoverable(running: Running) -> None:
    created = await running.client.post(
        "/users/student-accounts",
        json={
            "first_name": "Zoé",
            "last_name": "Roux",
            "birth_date": "2009-03-03",
            "password": "Eleve2024",
        },
    )
    username = created.json()["username"]
    body = {"first_name": "Zoé", "last_name": "Roux", "birth_date": "2009-03-03"}
    await running.client.post(
        "/account-recovery", json=body | {"username": username, "email": "zoe@exemple.fr"}
    )
    token = token_in(running, "zoe@exemple.fr")
    await running.client.post(
        "/account-recovery/confirm", json={"token": token, "password": "Solide2026"}
    )

    r = await running.client.post(
        "/account-recovery", json=body | {"username": username, "email": "zoe2@exemple.fr"}
    )

    assert r.status_code == 409 and r.json()["code"] == "ACCOUNT_NOT_RECOVERABLE"

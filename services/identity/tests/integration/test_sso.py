"""School SSO: assertions from the local GAR-like IdP simulator, and every way one can be bad."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from identity.adapters.idp_simulator import IdpSimulator
from identity.entrypoints.cli import main

from .conftest import Running

pytestmark = pytest.mark.integration


async def post(running: Running, assertion: str, form: bool = True):
    if form:
        return await running.client.post("/sso/assertion", data={"assertion": assertion})
    return await running.client.post("/sso/assertion", json={"assertion": assertion})


async def test_first_login_creates_the_account_and_later_logins_find_it(running: Running) -> None:
    first = await post(
        running,
        running.idp.assertion(
            saml_id="GAR-0001", first_name="Inès", last_name="Moreau", birth_date="2010-05-04"
        ),
    )
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True
    user_id = first.json()["user_id"]

    again = await post(
        running,
        running.idp.assertion(saml_id="GAR-0001", first_name="Inès", last_name="Moreau"),
        form=False,
    )
    assert again.status_code == 200 and again.json() == again.json() | {
        "created": False,
        "user_id": user_id,
    }

    headers = {"Authorization": f"Bearer {again.json()['access_token']}"}
    me = (await running.client.get("/users/me", headers=headers)).json()
    assert (me["first_name"], me["last_name"], me["birth_date"]) == ("Inès", "Moreau", "2010-05-04")
    assert me["email"] is None and me["has_password"] is False
    assert me["login_methods"] == ["sso"] and me["identity_providers"] == ["GAR"]
    events = await running.events(user_id)
    assert [e.event_type for e in events] == ["UserRegistered", "ExternalIdentityLinked"]
    assert events[1].payload == {"user_id": user_id, "provider": "GAR"}


async def test_a_name_change_at_the_idp_updates_the_profile(running: Running) -> None:
    first = await post(
        running, running.idp.assertion(saml_id="GAR-7", first_name="Lea", last_name="Petit")
    )
    user_id = first.json()["user_id"]

    await post(running, running.idp.assertion(saml_id="GAR-7", first_name="Léa", last_name="Petit"))

    profile = await running.ctx.profiles.get(user_id)
    assert profile is not None and profile["first_name"] == "Léa"
    changed = [e for e in await running.events(user_id) if e.event_type == "UserProfileChanged"]
    assert [e.payload["fields"] for e in changed] == [["first_name"]]


async def test_a_replayed_assertion_is_refused(running: Running) -> None:
    assertion = running.idp.assertion(saml_id="GAR-9", first_name="A", last_name="B")
    assert (await post(running, assertion)).status_code == 201
    commits = await running.commits()

    r = await post(running, assertion)

    assert r.status_code == 401 and r.json()["code"] == "ASSERTION_REPLAYED"
    assert await running.commits() == commits


def _unsigned(claims: dict) -> str:
    return jwt.encode(claims, key=None, algorithm="none")


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unsigned", "INVALID_ASSERTION"),
        ("tampered", "INVALID_ASSERTION"),
        ("untrusted_key", "UNTRUSTED_IDENTITY_PROVIDER"),
        ("unknown_issuer", "UNTRUSTED_IDENTITY_PROVIDER"),
        ("expired", "ASSERTION_EXPIRED"),
        ("wrong_audience", "INVALID_ASSERTION"),
        ("too_long_lived", "INVALID_ASSERTION"),
        ("missing_name", "INVALID_ASSERTION"),
        ("garbage", "INVALID_ASSERTION"),
        ("empty", "INVALID_ASSERTION"),
    ],
)
async def test_bad_assertions_are_refused_and_nothing_is_written(
    running: Running, case: str, code: str
) -> None:
    idp = running.idp
    good = {"saml_id": "GAR-X", "first_name": "Eve", "last_name": "Intruse"}
    now = time.time()
    if case == "unsigned":
        claims = jwt.decode(idp.assertion(**good), options={"verify_signature": False})
        assertion = _unsigned(claims)
    elif case == "tampered":
        header, payload, signature = idp.assertion(**good).split(".")
        other = idp.assertion(saml_id="GAR-ADMIN", first_name="X", last_name="Y").split(".")[1]
        assertion = ".".join([header, other if other != payload else payload, signature[::-1]])
    elif case == "untrusted_key":
        rogue = IdpSimulator(Ed25519PrivateKey.generate(), issuer=idp.issuer)
        assertion = rogue.assertion(**good)
    elif case == "unknown_issuer":
        rogue = IdpSimulator(Ed25519PrivateKey.generate(), issuer="https://idp.pirate.example")
        assertion = rogue.assertion(**good)
    elif case == "expired":
        assertion = idp.assertion(**good, ttl=60, now=now - 3600)
    elif case == "wrong_audience":
        assertion = IdpSimulator(idp.key, issuer=idp.issuer, audience="another-service").assertion(
            **good
        )
    elif case == "too_long_lived":
        assertion = idp.assertion(**good, ttl=24 * 3600)
    elif case == "missing_name":
        assertion = idp.assertion(saml_id="GAR-X", first_name="  ", last_name="Intruse")
    elif case == "garbage":
        assertion = "not-a-jwt"
    else:
        assertion = ""

    r = await post(running, assertion)

    assert r.status_code == 401, r.text
    assert r.json()["code"] == code
    assert r.json()["message"]
    assert await running.commits() == 0
    assert await running.db["login_keys"].count_documents({}) == 0
    assert await running.db["profiles"].count_documents({}) == 0


async def test_idp_simulate_command_trusts_itself_on_first_use_and_prints_a_usable_assertion(
    running: Running, tmp_path, capsys
) -> None:
    trust_file = running.settings.trusted_idp_keys_file
    names = ["--first-name", "Lina", "--last-name", "Haddad", "--saml-id", "GAR-CLI"]
    files = ["--trust-file", str(trust_file), "--key-file", str(tmp_path / "cli" / "key.pem")]
    code = main(
        ["idp-simulate", *names, "--birth-date", "2011-06-30", "--issuer", "cli-idp", *files]
    )
    assertion = capsys.readouterr().out.strip()

    assert code == 0 and (tmp_path / "cli" / "key.pem").exists()
    r = await post(running, assertion)
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = (await running.client.get("/users/me", headers=headers)).json()
    assert (me["first_name"], me["birth_date"]) == ("Lina", "2011-06-30")
    still = running.idp.assertion(saml_id="GAR-OTHER", first_name="A", last_name="B")
    assert (await post(running, still)).status_code == 201, "other IdPs stay trusted"

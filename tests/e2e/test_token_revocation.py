"""Access tokens stop working within seconds of a logout-everywhere or a removed membership,
on every service, as real processes on the real Kafka and database
(docs/adr/0021-token-revocation.md). The measured delays are printed (`-s`)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from tests.system import PASSWORD, System, accept_terms, cli, organisation, token

pytestmark = pytest.mark.e2e

DEADLINE = 20.0  # seconds: "within seconds" (consumer lag + the verifier's 1 s cache)


def account(system: System, first: str) -> tuple[str, str]:
    email = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.fr"
    body = {"email": email, "first_name": first, "last_name": "Revoc", "password": PASSWORD}
    r = httpx.post(f"{system.urls['identity']}/users", json=body, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["id"], email


def protected(system: System, org: str) -> dict[str, str]:
    """One route of every service that verifies tokens, for an admin of `org`."""
    u = system.urls
    return {
        "identity": f"{u['identity']}/users/me",
        "organisation": f"{u['organisation']}/organisations/{org}/memberships",
        "campaign": f"{u['campaign']}/organisations/{org}/campaigns",
        "assessment": f"{u['assessment']}/me/profile",
        "analytics": f"{u['analytics']}/organisations/{org}/campaigns",
    }


def wait_for(check: Callable[[], bool], what: str) -> float:
    """Poll `check` until it holds; the seconds it took (fails after DEADLINE)."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > DEADLINE:
            raise AssertionError(f"{what}: not within {DEADLINE:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - start


def code(r: httpx.Response) -> str:
    json = r.headers.get("content-type", "").startswith("application/json")
    return str(r.json().get("code")) if json else ""


def test_logout_everywhere_and_a_removed_member_are_refused_everywhere_within_seconds(
    system: System,
) -> None:
    admin_id, admin_email = account(system, "Claire")
    member_id, member_email = account(system, "Bruno")
    org = organisation(system, f"Lycée révocation {uuid.uuid4().hex[:6]}", "PRO", admin_id)
    staff_email = f"admin.{uuid.uuid4().hex[:8]}@orga.local"
    cli(system, "identity", "create-admin", "--email", staff_email, "--password", PASSWORD)
    r = httpx.post(
        f"{system.urls['organisation']}/organisations/{org}/members",
        json={"user_id": member_id, "role": "MEMBER"},
        headers=token(system, staff_email),
        timeout=30,
    )
    assert r.status_code == 201, r.text
    member_ship = r.json()["id"]
    old, member = token(system, admin_email), token(system, member_email)
    for headers in (old, member):
        accept_terms(system, headers)
    routes = protected(system, org)

    # every service accepts both (once the memberships reached each service's projection)
    for who in (old, member):
        for name, url in routes.items():
            wait_for(
                lambda url=url, who=who: httpx.get(url, headers=who, timeout=10).status_code == 200,
                f"{name} never accepted the token",
            )

    # --- logout everywhere: every service refuses the old token with TOKEN_REVOKED ---
    started = time.monotonic()
    r = httpx.post(f"{system.urls['identity']}/auth/logout-everywhere", headers=old, timeout=30)
    assert r.status_code == 204, r.text
    delays: dict[str, float] = {}
    for name, url in routes.items():

        def refused(url: str = url) -> bool:
            reply = httpx.get(url, headers=old, timeout=10)
            return reply.status_code == 401 and code(reply) == "TOKEN_REVOKED"

        wait_for(refused, f"{name} still accepts a revoked token")
        delays[name] = round(time.monotonic() - started, 2)
    print("logout-everywhere: old token refused after (s, since the request):", delays)
    refusal = httpx.get(routes["campaign"], headers=old, timeout=10).json()
    assert "reconnectez-vous" in refusal["message"]

    # the other user's token is untouched; a new login works everywhere
    new = token(system, admin_email)
    for name, url in routes.items():
        assert httpx.get(url, headers=new, timeout=10).status_code == 200, name
        assert httpx.get(url, headers=member, timeout=10).status_code == 200, name

    # --- a removed member: refused on that organisation's routes within seconds ---
    started = time.monotonic()
    r = httpx.delete(
        f"{system.urls['organisation']}/organisations/{org}/memberships/{member_ship}",
        headers=new,
        timeout=30,
    )
    assert r.status_code == 204, r.text
    removed: dict[str, float] = {}
    for name in ("organisation", "campaign", "analytics"):

        def forbidden(url: str = routes[name]) -> bool:
            reply = httpx.get(url, headers=member, timeout=10)
            return reply.status_code == 403 and code(reply) == "NOT_A_MEMBER"

        wait_for(forbidden, f"{name} still lets a removed member in")
        removed[name] = round(time.monotonic() - started, 2)
    print("removed member refused after (s, since the removal):", removed)
    assert httpx.get(routes["campaign"], headers=new, timeout=10).status_code == 200


def test_the_web_session_closed_elsewhere_goes_to_the_login_page_with_a_message(
    system: System,
) -> None:
    _, email = account(system, "Léa")
    web = system.urls["web"]
    with httpx.Client(base_url=web, timeout=30) as browser:
        page = browser.get("/connexion")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf, page.text[:500]
        r = browser.post(
            "/connexion",
            data={
                "login": email,
                "password": PASSWORD,
                "csrf_token": csrf.group(1),
                "suite": "/accueil",
            },
        )
        assert r.status_code == 303 and r.headers["location"] == "/accueil", r.text[:500]
        assert browser.get("/accueil").status_code == 200

        # another device: logout everywhere
        other = token(system, email)
        r = httpx.post(
            f"{system.urls['identity']}/auth/logout-everywhere", headers=other, timeout=30
        )
        assert r.status_code == 204

        def sent_to_login() -> bool:
            reply = browser.get("/accueil")
            return reply.status_code == 303 and "motif=session-fermee" in reply.headers.get(
                "location", ""
            )

        delay = wait_for(sent_to_login, "the web session survived a logout-everywhere")
        print(f"web session sent to the login page after {delay:.2f} s")
        login = browser.get("/connexion?suite=/accueil&motif=session-fermee")
        assert "Votre session a été fermée" in login.text
        assert browser.get("/accueil").headers.get("location", "").startswith("/connexion")

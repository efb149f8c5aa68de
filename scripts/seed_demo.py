"""Demo data for `make run`: a platform admin, two teachers, two students and demo organisations.

Idempotent: accounts that exist are logged into instead of created; the organisation seed
skips what it already made. Everything goes through the services' own APIs and commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx

IDENTITY = os.environ.get("ORGA_WEB_IDENTITY_URL", "http://127.0.0.1:8101")
CAMPAIGN = os.environ.get("ORGA_WEB_CAMPAIGN_URL", "http://127.0.0.1:8103")
PUBLIC = os.environ.get("ORGA_CAMPAIGN_PUBLIC_URL", "http://127.0.0.1:8100")
DEMO_CAMPAIGNS = [
    {
        "name": "Rentrée 3e — compétences numériques",
        "type": "ASSESSMENT",
        "target_profile_id": "tp-1.1",
        "title": "Mener une recherche d'information",
        "landing_text": "**Bienvenue !** Ce parcours dure environ *20 minutes*.\n\n"
        "- répondez seul·e\n- vous pouvez passer une question",
    },
    {"name": "Collecte des profils Pix — 3e", "type": "PROFILES_COLLECTION"},
]
OPEN_CAMPAIGNS = [  # in the organisation that imports no learners: anyone with the code joins
    {
        "name": "Découverte du numérique — ouvert à tous",
        "type": "ASSESSMENT",
        "target_profile_id": "tp-1.1",
        "title": "Découvrir la recherche d'information",
    },
]
ENT_PUPIL = ("Hugo", "Bernard", "02/11/2009")  # one of organisation's SIECLE demo pupils
# pupils of the school's SIECLE import who answer and send, so the dashboards are not empty
SENDING_PUPILS = [
    ("lea.martin@eleve-demo.fr", "Léa", "Martin", "2009-03-14"),
    ("chloe.dubois@eleve-demo.fr", "Chloé", "Dubois", "2009-06-27"),
    ("lucas.thomas@eleve-demo.fr", "Lucas", "Thomas", "2009-01-09"),
]
ASSESSMENT = os.environ.get("ORGA_WEB_ASSESSMENT_URL", "http://127.0.0.1:8104")
ORGANISATION = os.environ.get("ORGA_WEB_ORGANISATION_URL", "http://127.0.0.1:8102")
PASSWORD = "Pix123456"
ADMIN = ("admin@orga.local", "Admin", "Plateforme")
TEACHERS = [
    ("prof.martin@college-demo.fr", "Claire", "Martin"),
    ("prof.bernard@college-demo.fr", "Hugo", "Bernard"),
]
STUDENT_EMAIL = ("eleve.durand@example.fr", "Léa", "Durand")
STUDENT_USERNAME = ("Jean", "Dupont", "2011-03-07")


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"seed: {' '.join(args[:3])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def login(client: httpx.Client, login_name: str) -> str:
    return str(tokens(client, login_name)["user_id"])


def tokens(client: httpx.Client, login_name: str) -> dict[str, str]:
    response = client.post("/auth/token", json={"login": login_name, "password": PASSWORD})
    response.raise_for_status()
    body: dict[str, str] = response.json()
    return body


def organisations(seed_output: str) -> list[dict[str, str]]:
    """The JSON list the organisation seed prints (after its log lines)."""
    start = seed_output.find("\n[")
    text = seed_output[start + 1 :] if start >= 0 else seed_output
    try:
        found = json.loads(text)
    except ValueError:
        return []
    return found if isinstance(found, list) else []


def demo_campaigns(
    access_token: str, organisation_id: str, bodies: list[dict[str, str]]
) -> list[tuple[str, str]]:
    """The demo school's two campaigns (one of each type), owned by the admin teacher; created
    once, found again on later runs. The campaign service learns the membership from
    organisation's events, so the first call may have to wait a few seconds."""
    headers = {"Authorization": f"Bearer {access_token}"}
    base = f"/organisations/{organisation_id}/campaigns"
    made: list[tuple[str, str]] = []
    with httpx.Client(base_url=CAMPAIGN, timeout=30, headers=headers) as client:
        deadline = time.monotonic() + 60
        while client.get(base).status_code == 403 and time.monotonic() < deadline:
            time.sleep(0.5)
        for body in bodies:
            found = client.get(base, params={"name": body["name"], "mine": "true"})
            found.raise_for_status()
            items = [c for c in found.json()["items"] if c["name"] == body["name"]]
            if not items:
                created = client.post(base, json=body)
                if created.status_code != 201:
                    sys.exit(f"seed: campaign {body['name']!r} refused: {created.text}")
                items = [created.json()]
            made.append((items[0]["name"], items[0]["code"]))
    return made


def pupils_send(school_id: str, codes: list[str]) -> int:
    """The SENDING_PUPILS link their accounts to the imported pupils, take the school's
    campaigns to the end (right answers, every third one skipped) and send. Idempotent: a
    campaign already sent is left alone. Returns how many sendings were made."""
    from assessment.domain.answers import expected_answers
    from orga_shared.content.loader import load_release

    release = load_release()
    sent = 0
    with httpx.Client(timeout=30) as client, client_for(IDENTITY) as identity:
        for email, first, last, born in SENDING_PUPILS:
            account(identity, email, first, last)
            headers = {"Authorization": f"Bearer {tokens(identity, email)['access_token']}"}
            linked = client.post(
                f"{ORGANISATION}/organisations/{school_id}/learners/reconcile",
                json={"first_name": first, "last_name": last, "birthdate": born},
                headers=headers,
            )
            if linked.status_code not in (200, 409):
                sys.exit(f"seed: {email} could not be linked: {linked.text}")
            for code in codes:
                sent += _take_and_send(client, headers, code, release, expected_answers)
    return sent


def client_for(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=30)


def _take_and_send(
    client: httpx.Client, headers: dict[str, str], code: str, release, expected
) -> int:
    deadline = time.monotonic() + 60
    while True:  # the link reaches assessment as an event: a few seconds at most
        joined = client.post(f"{ASSESSMENT}/participations", json={"code": code}, headers=headers)
        if joined.status_code in (200, 201) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if joined.status_code not in (200, 201):
        sys.exit(f"seed: joining {code} refused: {joined.text}")
    mine = joined.json()
    if mine["status"] == "SHARED":
        return 0
    campaign_id, challenge, number = mine["campaign_id"], mine["challenge"], mine["answer_count"]
    while challenge is not None:
        number += 1
        body: dict[str, object] = {"challenge_id": challenge["id"]}
        if number % 3 == 0:
            body["skipped"] = True
        else:
            body["value"] = next(expected(release.challenges[challenge["id"]]))
        answered = client.post(
            f"{ASSESSMENT}/campaigns/{campaign_id}/participation/answers",
            json=body,
            headers={**headers, "Idempotency-Key": f"seed-{campaign_id}-{number}"},
        )
        answered.raise_for_status()
        challenge = answered.json()["challenge"]
    client.post(
        f"{ASSESSMENT}/campaigns/{campaign_id}/participation/share", headers=headers
    ).raise_for_status()
    return 1


def account(client: httpx.Client, email: str, first: str, last: str) -> str:
    body = {"email": email, "first_name": first, "last_name": last, "password": PASSWORD}
    response = client.post("/users", json=body)
    if response.status_code == 201:
        return str(response.json()["id"])
    return login(client, email)


def student_with_username(client: httpx.Client) -> str:
    """The first such account gets `jean.dupont0703`; later runs log into it instead."""
    first, last, birth = STUDENT_USERNAME
    expected = f"{first}.{last}{birth[8:10]}{birth[5:7]}".lower()
    if client.post("/auth/token", json={"login": expected, "password": PASSWORD}).is_success:
        return expected
    body = {"first_name": first, "last_name": last, "birth_date": birth, "password": PASSWORD}
    response = client.post("/users/student-accounts", json=body)
    if response.status_code == 201:
        return str(response.json()["username"])
    response.raise_for_status()
    return ""


def main() -> int:
    run("orga-identity", "create-admin", "--email", ADMIN[0], "--password", PASSWORD)
    with httpx.Client(base_url=IDENTITY, timeout=30) as client:
        teacher_ids = [account(client, *t) for t in TEACHERS]
        account(client, *STUDENT_EMAIL)
        username = student_with_username(client)
    out = run(
        "orga-organisation",
        "seed",
        "--admin-user-id",
        teacher_ids[0],
        "--member-user-id",
        teacher_ids[1],
        "--admin-email",
        TEACHERS[0][0],
    )
    print(out.strip())
    made = organisations(out)
    school = next((o for o in made if o.get("type") == "SCO"), None)
    company = next((o for o in made if o.get("type") == "PRO"), None)
    campaigns: list[tuple[str, str]] = []
    open_campaigns: list[tuple[str, str]] = []
    with httpx.Client(base_url=IDENTITY, timeout=30) as client:
        access = tokens(client, TEACHERS[0][0])["access_token"]
    sent = 0
    if school is not None:
        campaigns = demo_campaigns(access, str(school["id"]), DEMO_CAMPAIGNS)
        sent = pupils_send(str(school["id"]), [code for _, code in campaigns])
    if company is not None:
        open_campaigns = demo_campaigns(access, str(company["id"]), OPEN_CAMPAIGNS)
    print(f"\nDemo accounts (password for all: {PASSWORD})")
    print(f"  platform admin : {ADMIN[0]}")
    print(f"  teacher (ADMIN): {TEACHERS[0][0]}")
    print(f"  teacher (MEMBER): {TEACHERS[1][0]}")
    print(f"  student e-mail : {STUDENT_EMAIL[0]}")
    if username:
        print(f"  student username: {username}")
    for name, code in campaigns + open_campaigns:
        print(f"  demo campaign  : {code}  {name}  (lien : {PUBLIC}/campagnes/{code})")
    pupils = ", ".join(p[0] for p in SENDING_PUPILS)
    print(f"  pupils who sent: {pupils} ({sent} sendings made now)")
    print(f"\nPix Orga (teachers): {PUBLIC}/connexion?suite=/orga as {TEACHERS[0][0]}")
    print(f"\nStudent app: {PUBLIC}/connexion")
    if open_campaigns:
        print(
            f"  with a password: {STUDENT_EMAIL[0]} / {PASSWORD}, « J'ai un code », "
            f"then {open_campaigns[0][1]} (open campaign)"
        )
    if campaigns:
        first, last, born = ENT_PUPIL
        print(
            f"  through the ENT: « Se connecter avec l'ENT », Prénom {first}, Nom {last}; "
            f"code {campaigns[0][1]}; at « Un tout petit détail ! » date de naissance {born}"
        )
    inbox = os.environ.get("ORGA_MAIL_INBOX_PORT", "8025")
    print(f"E-mails sent by the services: http://127.0.0.1:{inbox}/ (local SMTP sink)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

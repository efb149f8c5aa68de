"""The command line: `orga-organisation create` (platform admin) and `seed` (demo data)."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest

pytestmark = pytest.mark.integration


async def run_cli(org, *args: str) -> tuple[int, str, str]:
    s = org.settings
    env = {
        **os.environ,
        "ORGA_KAFKA_BOOTSTRAP": s.kafka_bootstrap,
        "ORGA_MONGO_URL": s.mongo_url,
        "ORGA_ORGANISATION_DATABASE": s.database,
        "ORGA_ORGANISATION_EVENTS_TOPIC": s.events_topic,
        "ORGA_ORGANISATION_PROFILES_TOPIC": s.profiles_topic,
        "ORGA_ORGANISATION_PUBLIC_URL": s.public_url,
        "ORGA_SMTP_HOST": "127.0.0.1",
        "ORGA_SMTP_PORT": str(org.sink.port),
        "ORGA_LOG_JSON": "true",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "organisation.entrypoints.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


def json_of(stdout: str) -> object:
    start = min(i for i in (stdout.find("{\n"), stdout.find("[\n")) if i >= 0)
    return json.loads(stdout[start:])


async def test_create_command_makes_the_organisation_and_invites_its_admin(org):
    code, out, err = await run_cli(
        org,
        "create",
        "--name",
        "Collège Jean Moulin",
        "--type",
        "SCO",
        "--external-id",
        "0330001x",
        "--managing-students",
        "--admin-email",
        "principal@college.fr",
    )
    assert code == 0, err
    created = json_of(out)
    assert isinstance(created, dict) and created["external_id"] == "0330001X"
    listing = (await org.client.get("/organisations", headers=org.staff)).json()["data"]
    assert [(o["name"], o["is_managing_students"]) for o in listing] == [
        ("Collège Jean Moulin", True)
    ]
    (mail,) = org.mails("principal@college.fr")
    assert "Collège Jean Moulin" in org.mail_text(mail)
    code, _, err = await run_cli(org, "create", "--name", " ", "--type", "SCO")
    assert code == 1 and "refusé" in err


async def test_seed_is_idempotent(org):
    for _ in range(2):
        code, _, err = await run_cli(org, "seed", "--admin-user-id", "demo-admin")
        assert code == 0, err
    mine = (await org.client.get("/me/organisations", headers=org.auth("demo-admin"))).json()
    assert sorted(o["type"] for o in mine["data"]) == ["PRO", "SCO", "SUP"]
    sizes = {}
    for o in mine["data"]:
        r = await org.client.get(
            f"/organisations/{o['id']}/learners", headers=org.auth("demo-admin")
        )
        sizes[o["type"]] = r.json()["meta"]["total"]
    assert sizes == {"SCO": 8, "SUP": 4, "PRO": 0}

"""Organisation's OpenAPI document is a contract: schemathesis finds no undocumented status, no
rejected valid request and no response outside its schema (docs/architecture.md).

The caller is a teacher, ADMIN of a real SCO organisation created by the fixture; half the cases
aim at that organisation (so the routes run their real rules), the others keep the generated id.
An uploaded file's content cannot be said in JSON Schema (a SIECLE export, a CSV): the import
routes answer 422 with the file's errors to "schema-valid" random bytes, so for them only the
"valid request accepted" check is left out; every other check runs on every route.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from orga_shared.mail import MailSettings
from orga_shared.messaging.topics import compacted, dlq, ensure_topics, history
from orga_shared.smtp_sink import SmtpSink
from orga_shared.testing.contract import CONTRACT_SETTINGS, live_app, openapi_of
from orga_shared.testing.infra import Infra
from orga_shared.testing.tokens import TokenFactory
from organisation.config import Settings
from organisation.entrypoints.http import create_app

pytestmark = pytest.mark.integration

TOKENS = TokenFactory()
TEACHER = "teacher-1"
schema = openapi_of(create_app)
_turn = itertools.count()
UPLOADS = ("/import-siecle", "/import-csv")


@pytest.fixture(scope="module")
def organisation_url(infra: Infra, mail_sink: SmtpSink) -> Iterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:10]
    events, profiles = f"organisation.events.{suffix}", f"organisation.learner-profiles.{suffix}"
    asyncio.run(
        ensure_topics(
            infra.kafka_bootstrap,
            [history(events, 3), history(dlq(events), 1), compacted(profiles, 3)],
        )
    )
    settings = Settings.model_validate(
        {
            "database": f"test_organisation_{suffix}",
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
            "events_topic": events,
            "profiles_topic": profiles,
            "repair_consumer": False,
            "identity_events_topic": None,
            "identity_url": "http://127.0.0.1:9",
        }
    )
    mail = MailSettings.model_validate(
        {"ORGA_SMTP_HOST": "127.0.0.1", "ORGA_SMTP_PORT": mail_sink.port}
    )
    app = create_app(settings, mail=mail)
    app.state.verifier.add_keys(TOKENS.jwks())
    with live_app(app) as url:
        staff = TOKENS.headers("staff-1", roles=["platform-admin"])
        created = httpx.post(
            f"{url}/organisations",
            json={
                "name": "Collège Contrat",
                "type": "SCO",
                "external_id": "0751234A",
                "is_managing_students": True,
            },
            headers=staff,
        )
        assert created.status_code == 201, created.text
        org_id = created.json()["id"]
        added = httpx.post(
            f"{url}/organisations/{org_id}/members",
            json={"user_id": TEACHER, "role": "ADMIN"},
            headers=staff,
        )
        assert added.status_code == 201, added.text
        yield url, org_id


@schema.parametrize()
@CONTRACT_SETTINGS
def test_every_route_keeps_its_contract(
    case: schemathesis.Case, organisation_url: tuple[str, str]
) -> None:
    url, org_id = organisation_url
    if case.path_parameters and "organisation_id" in case.path_parameters and next(_turn) % 2:
        case.path_parameters["organisation_id"] = org_id
    excluded = [positive_data_acceptance] if case.path.endswith(UPLOADS) else []
    case.call_and_validate(base_url=url, headers=TOKENS.headers(TEACHER), excluded_checks=excluded)

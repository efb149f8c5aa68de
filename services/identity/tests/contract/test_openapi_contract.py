"""Identity's OpenAPI document is a contract: schemathesis finds no undocumented status, no
rejected valid request and no response outside its schema (docs/architecture.md).

The live app runs on the real Kafka and database; the caller is a registered user holding a
platform-admin token signed with identity's own key, so the protected routes answer too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis

from identity.config import Settings
from identity.entrypoints.http import create_app
from orga_shared.testing.contract import CONTRACT_SETTINGS, live_app, openapi_of
from orga_shared.testing.infra import Infra

pytestmark = pytest.mark.integration

schema = openapi_of(create_app)


@pytest.fixture(scope="module")
def live(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    tmp: Path = tmp_path_factory.mktemp("identity-contract")
    settings = Settings.model_validate(
        {
            "database": f"test_{uuid.uuid4().hex[:10]}",
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
            "generated_signing_key_path": tmp / "signing-key.pem",
            "trusted_idp_keys_file": tmp / "trusted-idps.json",
            "argon2_time_cost": 1,
            "argon2_memory_cost_kib": 64,
            "operator_token": "contract-operator-token-0123456789",
        }
    )
    app = create_app(settings)
    with live_app(app) as url:
        email = f"contrat-{uuid.uuid4().hex[:8]}@exemple.fr"
        body = {"first_name": "Camille", "last_name": "Contrat", "email": email}
        created = httpx.post(f"{url}/users", json=body | {"password": "Secret123"})
        assert created.status_code == 201, created.text
        user_id = created.json()["id"]
        token = app.state.context.signer.issue(user_id, ["platform-admin"]).token
        yield url, token


@schema.parametrize()
@CONTRACT_SETTINGS
def test_every_route_keeps_its_contract(case: schemathesis.Case, live: tuple[str, str]) -> None:
    url, token = live
    case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {token}"})

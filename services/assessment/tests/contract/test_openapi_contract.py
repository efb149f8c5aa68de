"""Assessment's OpenAPI document is a contract: schemathesis finds no undocumented status, no
rejected valid request and no response outside its schema (docs/architecture.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import schemathesis

from assessment.config import Settings
from assessment.entrypoints.http import create_app
from orga_shared.testing.contract import CONTRACT_SETTINGS, live_app, openapi_of
from orga_shared.testing.infra import Infra
from orga_shared.testing.tokens import TokenFactory

pytestmark = pytest.mark.integration

TOKENS = TokenFactory()
schema = openapi_of(create_app)


@pytest.fixture(scope="module")
def live_url(infra: Infra) -> Iterator[str]:
    settings = Settings.model_validate(
        {
            "database": f"test_{uuid.uuid4().hex[:10]}",
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
        }
    )
    app = create_app(settings)
    app.state.verifier.add_keys(TOKENS.jwks())
    with live_app(app) as url:
        yield url


@schema.parametrize()
@CONTRACT_SETTINGS
def test_every_route_keeps_its_contract(case: schemathesis.Case, live_url: str) -> None:
    case.call_and_validate(base_url=live_url, headers=TOKENS.headers("teacher-1"))

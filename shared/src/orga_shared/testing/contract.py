"""A service's OpenAPI document as a contract, checked by schemathesis against the live app.

`live_app(app)` serves a FastAPI app with uvicorn on a free loopback port, in a thread of its
own (its lifespan runs there, on the real Kafka and database), so schemathesis calls it over
HTTP exactly as a generated client would. `CONTRACT_SETTINGS` bounds the examples so the suite
stays fast; `make test` runs the examples, coverage and fuzzing phases on every route.
`ServiceContract` is the whole test of one service, so `tests/contract/` files do not copy
each other:

    contract = ServiceContract(create_app, Settings)
    live_url = contract.live_url_fixture()
    test_every_route_keeps_its_contract = contract.test()
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from orga_shared.config import ServiceSettings
from orga_shared.ports import free_port
from orga_shared.testing.infra import Infra
from orga_shared.testing.tokens import TokenFactory

CONTRACT_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@contextmanager
def live_app(app: FastAPI, startup_timeout: float = 60.0) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name=f"live-app-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on :{port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def openapi_of(create_app: Callable[..., FastAPI]) -> schemathesis.BaseSchema:
    """The schema a service publishes, read from its app factory at import time (routes do not
    depend on settings, so the default settings serve; nothing is started)."""
    return schemathesis.openapi.from_dict(create_app().openapi())


class ServiceContract:
    """One service's contract test: its published schema, the live app on a fresh database of
    the real stack, and a signed token of `user_id` on every call (the app trusts `tokens`)."""

    def __init__(
        self,
        create_app: Callable[..., FastAPI],
        settings: type[ServiceSettings],
        *,
        user_id: str = "teacher-1",
    ) -> None:
        self.create_app = create_app
        self.settings = settings
        self.user_id = user_id
        self.tokens = TokenFactory()
        self.schema = openapi_of(create_app)

    def app(self, infra: Infra) -> FastAPI:
        settings = self.settings.model_validate(
            {
                "database": f"test_{uuid.uuid4().hex[:10]}",
                "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
                "ORGA_MONGO_URL": infra.mongo_url,
            }
        )
        app = self.create_app(settings)
        verifier = getattr(app.state, "verifier", None)
        if verifier is not None:
            verifier.add_keys(self.tokens.jwks())
        return app

    def live_url_fixture(self) -> Any:
        """A module-scoped fixture `live_url`: the base URL of the live app."""

        @pytest.fixture(scope="module", name="live_url")
        def live_url(infra: Infra) -> Iterator[str]:
            with live_app(self.app(infra)) as url:
                yield url

        return live_url

    def test(self) -> Callable[..., None]:
        """The test: every operation, every phase, every check, with one exception: a 5xx the
        operation documents (a readiness probe's 503) is its contract, not a server error."""

        @self.schema.parametrize()
        @CONTRACT_SETTINGS
        def test_every_route_keeps_its_contract(
            case: schemathesis.Case[Any], live_url: str
        ) -> None:
            headers = self.tokens.headers(self.user_id)
            response = case.call(base_url=live_url, headers=headers)
            documented = case.operation.definition.raw.get("responses", {})
            excluded: list[Any] = (
                [not_a_server_error] if str(response.status_code) in documented else []
            )
            case.validate_response(
                response,
                headers=headers,
                excluded_checks=excluded,
                transport_kwargs={"base_url": live_url, "headers": headers},
            )

        return test_every_route_keeps_its_contract  # type: ignore[no-any-return]

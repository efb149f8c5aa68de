"""A service's OpenAPI document as a contract, checked by schemathesis against the live app.

`live_app(app)` serves a FastAPI app with uvicorn on a free loopback port, in a thread of its
own (its lifespan runs there, on the real Kafka and database), so schemathesis calls it over
HTTP exactly as a generated client would. `CONTRACT_SETTINGS` bounds the examples so the suite
stays fast; `make test` runs the examples, coverage and fuzzing phases on every route.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from orga_shared.ports import free_port

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

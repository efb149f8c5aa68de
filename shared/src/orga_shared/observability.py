"""structlog set up once per process; correlation ids travel in contextvars.

JSON lines when stdout is not a terminal (containers, CI), readable console output otherwise.
The HTTP middleware and the consumer helper bind `correlation_id` / `causation_id`; the event
store reads them back when it builds envelopes, so one request's whole causal chain shares an id.
"""

from __future__ import annotations

import logging
import sys
import uuid
from typing import Any

import structlog

CORRELATION_HEADER = "X-Correlation-ID"
_configured = False


def configure_logging(service: str, level: str = "INFO", json: bool | None = None) -> None:
    global _configured
    if _configured:
        return
    use_json = (not sys.stdout.isatty()) if json is None else json
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(name)s %(message)s")
    _configured = True


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)


def new_id() -> str:
    return str(uuid.uuid4())


def current_correlation_id() -> str:
    """The correlation id of the work in progress, or a fresh one for work started here."""
    value = structlog.contextvars.get_contextvars().get("correlation_id")
    return str(value) if value else new_id()


def current_causation_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("causation_id")
    return str(value) if value else None

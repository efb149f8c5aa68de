"""`orga-<service> serve`: run a service's HTTP app (and its consumers) under uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import uvicorn

from orga_shared.config import ServiceSettings


def serve_main(
    app_factory: str, settings_factory: Callable[[], ServiceSettings], argv: list[str] | None = None
) -> int:
    settings = settings_factory()
    parser = argparse.ArgumentParser(prog=f"orga-{settings.service_name}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve HTTP and run the consumers")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args(argv)
    if args.command == "serve":
        uvicorn.run(
            app_factory,
            factory=True,
            host=args.host,
            port=args.port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=int(settings.shutdown_timeout_seconds),
        )
    return 0

"""The analytics app as G8 serves it (`uvicorn bench.csv_app:app`): the real routes and settings
(`ORGA_ANALYTICS_DATABASE`, `ORGA_MONGO_URL`), the bench's test keys (`BENCH_G8_JWKS`), no
consumer started (the database is prefilled; the shared Kafka is left alone), and one extra
route, `/bench/memory`, that reports the process's resident memory and its peak."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from analytics.entrypoints.http import create_app


@asynccontextmanager
async def _no_consumers(app: FastAPI) -> AsyncIterator[None]:
    yield


def memory_kib() -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of this process, in KiB."""
    out: dict[str, int] = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, value = line.split(":", 1)
                out[name] = int(value.split()[0])
    return out


def create() -> FastAPI:
    app = create_app()
    app.state.verifier.add_keys(json.loads(os.environ["BENCH_G8_JWKS"]))
    app.router.lifespan_context = _no_consumers

    @app.get("/bench/memory", include_in_schema=False)
    async def memory() -> dict[str, int]:
        return memory_kib()

    return app


app = create() if "BENCH_G8_JWKS" in os.environ else None

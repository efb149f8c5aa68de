"""Start an ASGI app under uvicorn as a subprocess on a free loopback port, for one measurement."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

from bench.harness import REPO_ROOT
from orga_shared.ports import free_port


@asynccontextmanager
async def uvicorn_server(
    app: str,
    *,
    workers: int = 1,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> AsyncIterator[str]:
    """Yield the base URL once `ready_path` answers (any status below 500)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = await asyncio.create_subprocess_exec(
        *cmd, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(proc, base + ready_path, timeout)
        yield base
    finally:
        await _stop(proc)


async def _wait_ready(proc: asyncio.subprocess.Process, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
            try:
                if (await client.get(url)).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()

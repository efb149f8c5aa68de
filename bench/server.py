"""Start an ASGI app under uvicorn as a subprocess on a free loopback port, for one measurement."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.harness import REPO_ROOT

PORTS = os.environ.get("BENCH_PORTS", "8300-8399")
"""Loopback ports the benchmarks' own servers take (the machine's other sessions use others)."""


def bench_port() -> int:
    """A free port in `BENCH_PORTS` (`low-high`), tried in random order."""
    low, high = (int(x) for x in PORTS.split("-"))
    candidates = list(range(low, high + 1))
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and its process id (for a profiler)."""

    url: str
    pid: int


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
    async with uvicorn_process(
        app, workers=workers, ready_path=ready_path, env=env, timeout=timeout
    ) as server:
        yield server.url


@asynccontextmanager
async def uvicorn_process(
    app: str,
    *,
    workers: int = 1,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    factory: bool = False,
    ready_status: int = 500,
    log: Path | None = None,
    keep_alive: float | None = None,
) -> AsyncIterator[Server]:
    """The server once `ready_path` answers with a status below `ready_status`; `factory`:
    `app` is a function returning the app (uvicorn --factory). One worker = one process,
    the one whose pid is given. `log`: the server's output goes to that file. `keep_alive`:
    seconds an idle connection stays open (uvicorn's default is 5)."""
    port = bench_port()
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
        *(["--factory"] if factory else []),
        *(["--timeout-keep-alive", str(round(keep_alive))] if keep_alive else []),
    ]
    async with server_process(
        cmd,
        port,
        ready_path=ready_path,
        env=env,
        timeout=timeout,
        ready_status=ready_status,
        log=log,
    ) as server:
        yield server


@asynccontextmanager
async def server_process(
    cmd: Sequence[str],
    port: int,
    *,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    ready_status: int = 500,
    log: Path | None = None,
) -> AsyncIterator[Server]:
    """Any command serving HTTP on `port` of the loopback (`orga-<service> serve --port P`, or
    uvicorn), in its own session, once `ready_path` answers below `ready_status`; stopped
    (SIGTERM, then SIGKILL after 10 s) on exit. `log`: its output goes to that file."""
    output = None
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        output = log.open("ab")
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(proc, base + ready_path, timeout, ready_status)
        yield Server(base, proc.pid)
    finally:
        await _stop(proc)
        if output is not None:
            output.close()


async def _wait_ready(
    proc: asyncio.subprocess.Process, url: str, timeout: float, below: int = 500
) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
            try:
                if (await client.get(url)).status_code < below:
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

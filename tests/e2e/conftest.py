"""The whole system as real processes: every service started like `make run` starts it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from orga_shared.ports import free_port

SERVICES = ("identity", "organisation", "campaign", "assessment", "analytics", "web")


@dataclass
class System:
    urls: dict[str, str]
    databases: list[str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def stop(self, name: str, timeout: float = 30.0) -> int:
        proc = self.processes[name]
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                return -9
        return proc.returncode


def wait_ready(system: System, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(system.urls)
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            if system.processes[name].poll() is not None:
                out = system.processes[name].stdout
                raise RuntimeError(f"{name} exited: {out.read().decode()[-3000:] if out else ''}")
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    del pending[name]
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    if pending:
        raise RuntimeError(f"not ready after {timeout}s: {sorted(pending)}")


@pytest.fixture(scope="module")
def system(infra) -> Iterator[System]:
    run = uuid.uuid4().hex[:8]
    ports = {s: free_port() for s in SERVICES}
    urls = {s: f"http://127.0.0.1:{p}" for s, p in ports.items()}
    env = {
        **os.environ,
        "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "ORGA_MONGO_URL": infra.mongo_url,
        "ORGA_JWKS_URL": f"{urls['identity']}/.well-known/jwks.json",
        "ORGA_LOG_JSON": "true",
        "ORGA_SHUTDOWN_TIMEOUT_SECONDS": "10",
    }
    databases = []
    for s in SERVICES:
        env[f"ORGA_{s.upper()}_PORT"] = str(ports[s])
        env[f"ORGA_{s.upper()}_DATABASE"] = f"e2e_{run}_{s}"
        # consumer groups derive from the service name: an e2e run must not move the offsets
        # of `make run`'s services (nor of another run) on the shared topics
        env[f"ORGA_{s.upper()}_SERVICE_NAME"] = f"{s}-e2e-{run}"
        env[f"ORGA_WEB_{s.upper()}_URL"] = urls[s]
        databases.append(f"e2e_{run}_{s}")
    system = System(urls=urls, databases=databases)
    try:
        for s in SERVICES:
            system.processes[s] = subprocess.Popen(
                [sys.executable, "-m", f"{s}.entrypoints.cli", "serve"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        wait_ready(system)
        yield system
    finally:
        for s in SERVICES:
            if s in system.processes:
                system.stop(s)
        import pymongo

        client: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(infra.mongo_url)
        for name in databases:
            client.drop_database(name)
        client.close()

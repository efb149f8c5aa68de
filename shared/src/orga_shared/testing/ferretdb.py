"""A private FerretDB process a test may stop and start again (the database outage drills).

It runs the binary `scripts/infra.sh install` builds (`.local/bin/ferretdb`, SQLite backend) with
the same flags `scripts/infra.sh ferretdb` gives it, but on its own port and its own data
folder: a test kills it (SIGKILL, like a crashed host) and restarts it on the same port and data,
and never touches the shared database everybody else uses.

    with PrivateFerretDb(tmp_path / "ferretdb") as db:
        db.url             # mongodb://127.0.0.1:<port>/
        db.kill()          # the database is gone; clients see connection errors
        db.start()         # back on the same port, with the same data
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from orga_shared.ports import free_port
from orga_shared.testing.infra import REPO_ROOT


def ferretdb_binary() -> Path:
    """`ORGA_FERRETDB_BIN`, else the checkout's `.local/bin/ferretdb` (scripts/infra.sh)."""
    given = os.environ.get("ORGA_FERRETDB_BIN")
    return Path(given) if given else REPO_ROOT / ".local" / "bin" / "ferretdb"


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


class PrivateFerretDb:
    def __init__(self, data_dir: Path, port: int | None = None, log_level: str = "warn") -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.log_level = log_level
        self.log_path = data_dir.parent / f"ferretdb-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60.0) -> None:
        """Start it (again) on its port and data folder; returns once the port accepts."""
        if self.running:
            return
        binary = ferretdb_binary()
        if not binary.exists():
            raise FileNotFoundError(f"{binary}: run `scripts/infra.sh install` first")
        if port_open(self.port):
            raise RuntimeError(f"port {self.port} is taken: not starting a second database")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [
                    str(binary),
                    "--listen-addr",
                    f"127.0.0.1:{self.port}",
                    "--sqlite-dir",
                    str(self.data_dir),
                    "--log-level",
                    self.log_level,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"ferretdb exited with {self.process.returncode}: {self.log_path.read_text()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"ferretdb did not open port {self.port} within {timeout} s")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no shutdown, in-flight requests cut (a crash, not a clean stop)."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        self._end(signal.SIGTERM)

    def _end(self, sig: signal.Signals) -> None:
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        deadline = time.monotonic() + 10
        while port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.1)

    def __enter__(self) -> PrivateFerretDb:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

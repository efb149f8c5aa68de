"""The whole system as real processes, every service started like `make run` starts it; shared by
the end-to-end tests (tests/e2e) and the browser tests (tests/browser).

    from tests.system import system  # noqa: F401  (in a conftest: the module-scoped fixture)

Each run has its own service names (so its own consumer groups), its own databases, an SMTP sink
the services send to (`system.mails`), a test clock for assessment (`system.move_clock`), and
one log file per process under `.local/artifacts/logs/<run>/<service>.log` (the sink's mail is
kept next to them, in `mail/`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from orga_shared.ports import free_port
from orga_shared.smtp_sink import MailStore, SmtpSink
from orga_shared.testing.infra import Infra

PASSWORD = "Pix123456"
SERVICES = ("identity", "organisation", "campaign", "assessment", "analytics", "web")
REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / ".local" / "artifacts"
_URL = re.compile(r"https?://[^\s<>\"']+")


def tail(path: Path, size: int = 4000) -> str:
    """The end of a log file (what explains a failure), or a note when there is none."""
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - size))
            return f.read().decode(errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"


@dataclass(frozen=True)
class Mail:
    """One message the sink received: who it went to, its subject, its plain text and links."""

    to: list[str]
    subject: str
    text: str
    message: EmailMessage

    @property
    def links(self) -> list[str]:
        return _URL.findall(self.text)


class Mailbox:
    """What the system's services sent to the SMTP sink."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    def all(self) -> list[Mail]:
        return [self._mail(e) for e in self.store.entries()]

    def to(self, address: str) -> list[Mail]:
        """Every message whose recipients include `address`, oldest first."""
        return [self._mail(e) for e in self.store.entries() if address in e["to"]]

    def wait_for(self, address: str, subject: str = "", timeout: float = 30.0) -> Mail:
        """The latest message to `address` whose subject contains `subject` (waits for it)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.to(address) if subject in m.subject]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                seen = [(e["to"], e["subject"]) for e in self.store.entries()]
                raise AssertionError(
                    f"no mail to {address!r} with {subject!r} in its subject within "
                    f"{timeout:.0f} s; the sink received: {seen}"
                )
            time.sleep(0.2)

    def _mail(self, entry: dict[str, Any]) -> Mail:
        return Mail(
            to=list(entry["to"]),
            subject=str(entry["subject"]),
            text=self.store.text(entry["file"]),
            message=self.store.message(entry["file"]),
        )


@dataclass
class System:
    urls: dict[str, str]
    databases: list[str]
    run: str
    log_dir: Path
    mails: Mailbox
    clock_file: Path
    env: dict[str, str] = field(default_factory=dict)
    """What the services were started with: a test runs their command lines with it."""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    clock_offset: float = 0.0

    def log(self, name: str) -> Path:
        """The file a service's stdout and stderr go to."""
        return self.log_dir / f"{name}.log"

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

    def move_clock(self, seconds: float) -> float:
        """Move assessment's clock forward by `seconds` (cumulative); returns the total offset.

        The file holds the total offset as a float; it is replaced atomically (a temp file
        renamed over it), so the service never reads a half-written value.
        """
        self.clock_offset += seconds
        write_atomically(self.clock_file, repr(self.clock_offset))
        return self.clock_offset


def write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def wait_ready(system: System, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(system.urls)
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            if system.processes[name].poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {system.processes[name].returncode} during startup; "
                    f"end of {system.log(name)}:\n{tail(system.log(name))}"
                )
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    del pending[name]
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    if pending:
        logs = "\n".join(
            f"--- end of {system.log(n)}:\n{tail(system.log(n), 1500)}" for n in sorted(pending)
        )
        raise RuntimeError(f"not ready after {timeout}s: {sorted(pending)}\n{logs}")


@contextmanager
def start_system(
    infra: Infra,
    scratch: Path,
    extra_env: dict[str, str] | None = None,
    ready_timeout: float = 120.0,
) -> Iterator[System]:
    """Start every service (and the SMTP sink) for one run; stop them and drop the databases.

    `scratch` is a private temporary folder (the clock file lives there).
    """
    run = uuid.uuid4().hex[:8]
    log_dir = ARTIFACTS / "logs" / run
    log_dir.mkdir(parents=True, exist_ok=True)
    ports = {s: free_port() for s in SERVICES}
    urls = {s: f"http://127.0.0.1:{p}" for s, p in ports.items()}
    web = urls["web"]
    clock_file = scratch / "assessment-clock"
    write_atomically(clock_file, "0.0")
    databases = [f"e2e_{run}_{s}" for s in SERVICES]
    with ExitStack() as stack:
        sink = stack.enter_context(SmtpSink(log_dir / "mail"))
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",  # the log files are current while a test runs
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
            "ORGA_JWKS_URL": f"{urls['identity']}/.well-known/jwks.json",
            "ORGA_LOG_JSON": "true",
            "ORGA_SHUTDOWN_TIMEOUT_SECONDS": "10",
            "ORGA_SMTP_HOST": sink.host,
            "ORGA_SMTP_PORT": str(sink.port),
            "ORGA_IDENTITY_WEB_BASE_URL": web,
            "ORGA_IDENTITY_IDP_SIMULATOR_ENABLED": "true",
            "ORGA_WEB_PUBLIC_URL": web,
            "ORGA_WEB_IDP_SIMULATOR_URL": f"{urls['identity']}/idp-simulator",
            "ORGA_WEB_SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters
            "ORGA_ORGANISATION_PUBLIC_URL": web,
            "ORGA_ORGANISATION_IDENTITY_URL": urls["identity"],
            "ORGA_CAMPAIGN_PUBLIC_URL": web,
            # a test-only clock: now = real now + the seconds in this file (move_clock)
            "ORGA_ASSESSMENT_CLOCK_FILE": str(clock_file),
            **(extra_env or {}),
        }
        for s in SERVICES:
            env[f"ORGA_{s.upper()}_PORT"] = str(ports[s])
            env[f"ORGA_{s.upper()}_DATABASE"] = f"e2e_{run}_{s}"
            # consumer groups derive from the service name: an e2e run must not move the
            # offsets of `make run`'s services (nor of another run) on the shared topics
            env[f"ORGA_{s.upper()}_SERVICE_NAME"] = f"{s}-e2e-{run}"
            env[f"ORGA_WEB_{s.upper()}_URL"] = urls[s]
        system = System(
            urls=urls,
            databases=databases,
            run=run,
            log_dir=log_dir,
            mails=Mailbox(sink.store),
            clock_file=clock_file,
            env=env,
        )
        readers: list[IO[bytes]] = []
        try:
            for s in SERVICES:
                log = system.log(s)
                with log.open("wb") as out:  # the child keeps its own descriptor
                    proc = subprocess.Popen(
                        [sys.executable, "-m", f"{s}.entrypoints.cli", "serve"],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                # `proc.stdout.read()` reads the log so far (what a PIPE gave before, without a
                # pipe buffer that blocks a chatty process when nobody reads it)
                proc.stdout = log.open("rb")
                readers.append(proc.stdout)
                system.processes[s] = proc
            wait_ready(system, ready_timeout)
            yield system
        finally:
            for s in SERVICES:
                if s in system.processes:
                    system.stop(s)
            for reader in readers:
                reader.close()
            import pymongo

            client: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(infra.mongo_url)
            for name in databases:
                client.drop_database(name)
            client.close()


@pytest.fixture(scope="module")
def system(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with start_system(infra, tmp_path_factory.mktemp("system")) as running:
        yield running


def until(check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def cli(system: System, service: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", f"{service}.entrypoints.cli", *args],
        env=system.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"{service} {args[0]}: {done.stdout}\n{done.stderr}"
    return done.stdout


def token(system: System, login: str) -> dict[str, str]:
    r = httpx.post(
        f"{system.urls['identity']}/auth/token",
        json={"login": login, "password": PASSWORD},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def organisation(
    system: System, name: str, kind: str, admin_id: str, uai: str | None = None
) -> str:
    args = ["create", "--name", name, "--type", kind, "--admin-user-id", admin_id]
    if uai:
        args += ["--external-id", uai, "--managing-students"]
    out = cli(system, "organisation", *args)
    return str(json.loads(out[out.index("\n{") :])["id"])  # log lines come first


def accept_terms(system: System, headers: dict[str, str]) -> None:
    """Pix Orga's terms of use accepted over the API (the first-login page is another test's)."""
    r = httpx.patch(
        f"{system.urls['identity']}/users/me/pix-orga-terms-of-service-acceptance",
        headers=headers,
        timeout=30,
    )
    assert r.status_code in (200, 204), r.text


@cache
def _release() -> Any:
    from orga_shared.content.loader import load_release

    return load_release()


def answer_body(challenge: dict[str, Any], number: int) -> dict[str, Any]:
    """The body of a pupil's `number`-th answer: odd ones right, even ones skipped."""
    if number % 2:
        from assessment.domain.answers import expected_answers

        value = next(expected_answers(_release().challenges[challenge["id"]]))
        return {"challenge_id": challenge["id"], "value": value}
    return {"challenge_id": challenge["id"], "skipped": True}


def answer_to_the_end(
    system: System, campaign_id: str, headers: dict[str, str], challenge: Any
) -> int:
    """Answer (`answer_body`) until the test ends; returns how many answers were given."""
    answers = 0
    while challenge is not None:
        answers += 1
        r = httpx.post(
            f"{system.urls['assessment']}/campaigns/{campaign_id}/participation/answers",
            json=answer_body(challenge, answers),
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            timeout=30,
        )
        assert r.status_code == 201, r.text
        challenge = r.json()["challenge"]
        assert answers < 200, "the test never ends"
    return answers

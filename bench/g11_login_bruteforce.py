"""G11 — login under brute force (docs/benchmarks.md).

An attacker sends 100 wrong passwords a minute to one account while other users log in at a
steady rate. Two figures, measured in one run, 3 rounds, median:

- share of the attacker's attempts after the 10th that were refused *without* an argon2 hash
  (from identity's own verification counter on /metrics), goal ≥ 90 %;
- other users' login p99 during the attack ÷ their p99 with no attack, goal ≤ 2.

Identity is started here as its own process (uvicorn, one worker) on the native stack, with a
throw-away database and topics; the load generator runs on the same machine, over loopback.
Usage: `uv run python bench/g11_login_bruteforce.py [--phase-seconds 60] [--url URL]`.
Not part of `make test`: it prints the table and writes bench/results/G11.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata as metadata
import json
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from orga_shared.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PASSWORD = "Bench2026ok"
ATTACK_PER_MINUTE = 100
THRESHOLD = 10


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    other_attempts: int = 0
    other_errors: int = 0
    attacker_attempts: int = 0
    attacker_statuses: dict[int, int] = field(default_factory=dict)

    def p99(self) -> float:
        return statistics.quantiles(self.latencies, n=100)[98] * 1000


OPERATOR_TOKEN = secrets.token_urlsafe(24)  # /metrics is for operators only (ADR 12)


async def metrics(client: httpx.AsyncClient) -> dict[str, float]:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    response.raise_for_status()
    text = response.text
    return {
        line.split()[0]: float(line.split()[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


async def other_users_load(
    client: httpx.AsyncClient, emails: list[str], rate: float, seconds: float, phase: Phase
) -> None:
    """Open-loop: a login every 1/rate s whatever the latency, round-robin over the users."""
    tasks: list[asyncio.Task[None]] = []

    async def one(email: str) -> None:
        start = time.perf_counter()
        r = await client.post("/auth/token", json={"login": email, "password": PASSWORD})
        phase.latencies.append(time.perf_counter() - start)
        phase.other_attempts += 1
        if r.status_code != 200:
            phase.other_errors += 1

    loop = asyncio.get_running_loop()
    begin = loop.time()
    i = 0
    while (now := loop.time()) - begin < seconds:
        tasks.append(asyncio.create_task(one(emails[i % len(emails)])))
        i += 1
        await asyncio.sleep(max(0.0, begin + i / rate - now))
    await asyncio.gather(*tasks)


async def attacker(client: httpx.AsyncClient, victim: str, seconds: float, phase: Phase) -> None:
    interval = 60.0 / ATTACK_PER_MINUTE
    loop = asyncio.get_running_loop()
    begin = loop.time()
    n = 0
    while loop.time() - begin < seconds:
        r = await client.post("/auth/token", json={"login": victim, "password": f"Guess{n:05d}xZ"})
        phase.attacker_attempts += 1
        phase.attacker_statuses[r.status_code] = phase.attacker_statuses.get(r.status_code, 0) + 1
        n += 1
        await asyncio.sleep(max(0.0, begin + n * interval - loop.time()))


async def register(client: httpx.AsyncClient, email: str) -> None:
    r = await client.post(
        "/users",
        json={"first_name": "Bench", "last_name": "Mark", "email": email, "password": PASSWORD},
    )
    r.raise_for_status()


@contextlib.asynccontextmanager
async def local_identity() -> AsyncIterator[str]:
    """Identity in its own process on the native stack, with a throw-away database/topics."""
    from pymongo import AsyncMongoClient

    from orga_shared.messaging.topics import compacted, ensure_topics, history

    infra = await asyncio.create_subprocess_exec(
        str(ROOT / "scripts" / "infra.sh"), "up", stdout=asyncio.subprocess.DEVNULL
    )
    if await infra.wait() != 0:
        raise RuntimeError("scripts/infra.sh up failed")
    kafka = os.environ.get("ORGA_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    mongo = os.environ.get("ORGA_MONGO_URL", "mongodb://127.0.0.1:27018/")
    run_id = uuid.uuid4().hex[:8]
    events, profiles = f"bench.identity.events.{run_id}", f"bench.identity.profiles.{run_id}"
    await ensure_topics(kafka, [history(events, 3), compacted(profiles, 3)])
    tmp = Path(tempfile.mkdtemp(prefix="g11-"))
    port = free_port()
    env = os.environ | {
        "ORGA_KAFKA_BOOTSTRAP": kafka,
        "ORGA_MONGO_URL": mongo,
        "ORGA_IDENTITY_DATABASE": f"bench_g11_{run_id}",
        "ORGA_IDENTITY_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ORGA_IDENTITY_EVENTS_TOPIC": events,
        "ORGA_IDENTITY_PROFILES_TOPIC": profiles,
        "ORGA_IDENTITY_GENERATED_SIGNING_KEY_PATH": str(tmp / "signing-key.pem"),
        "ORGA_IDENTITY_TRUSTED_IDP_KEYS_FILE": str(tmp / "trusted-idps.json"),
        "ORGA_LOG_LEVEL": "WARNING",
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "identity.entrypoints.http:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        env=env,
        cwd=tmp,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url) as probe:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if (await probe.get("/ready")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
            else:
                raise RuntimeError("identity did not become ready")
        yield url
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), 30)
        except TimeoutError:
            server.kill()
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
            mongo, serverSelectionTimeoutMS=10000
        )
        try:
            await asyncio.wait_for(client.drop_database(env["ORGA_IDENTITY_DATABASE"]), 60)
        except Exception as exc:  # a leftover database must not hide the figures
            print(f"could not drop {env['ORGA_IDENTITY_DATABASE']}: {exc!r}", file=sys.stderr)
        await client.close()
        shutil.rmtree(tmp, ignore_errors=True)


async def attack_phase(
    client: httpx.AsyncClient,
    emails: list[str],
    victim: str,
    args: argparse.Namespace,
    phase: Phase,
) -> tuple[dict[str, float], dict[str, float]]:
    """Other users' load with the attacker beside it; /metrics read before and after."""
    before = await metrics(client)
    await asyncio.gather(
        other_users_load(client, emails, args.rate, args.phase_seconds, phase),
        attacker(client, victim, args.phase_seconds, phase),
    )
    return before, await metrics(client)


async def measure(url: str, args: argparse.Namespace) -> dict[str, object]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=url, timeout=60.0, limits=limits) as client:
        run_id = uuid.uuid4().hex[:6]
        emails = [f"user{i}-{run_id}@bench.fr" for i in range(args.users)]
        victims = [f"victim{r}-{run_id}@bench.fr" for r in range(args.rounds)]
        for email in emails + victims:
            await register(client, email)
        print(f"warm-up {args.warmup:.0f} s ...", flush=True)
        await other_users_load(client, emails, args.rate, args.warmup, Phase())
        rounds = []
        for r in range(args.rounds):
            base, attack = Phase(), Phase()
            if r % 2:  # alternate the order so drift over time does not favour either phase
                before, after = await attack_phase(client, emails, victims[r], args, attack)
                await other_users_load(client, emails, args.rate, args.phase_seconds, base)
            else:
                await other_users_load(client, emails, args.rate, args.phase_seconds, base)
                before, after = await attack_phase(client, emails, victims[r], args, attack)
            verifications = (
                after["identity_password_verifications_total"]
                - before["identity_password_verifications_total"]
            )
            attacker_hashed = verifications - attack.other_attempts
            after_tenth = attack.attacker_attempts - THRESHOLD
            unhashed = (attack.attacker_attempts - attacker_hashed) / after_tenth
            row = {
                "round": r + 1,
                "order": "attack first" if r % 2 else "baseline first",
                "baseline_p50_ms": round(statistics.median(base.latencies) * 1000, 2),
                "attack_p50_ms": round(statistics.median(attack.latencies) * 1000, 2),
                "baseline_p99_ms": round(base.p99(), 2),
                "attack_p99_ms": round(attack.p99(), 2),
                "p99_ratio": round(attack.p99() / base.p99(), 3),
                "attacker_attempts": attack.attacker_attempts,
                "attacker_hashed": int(attacker_hashed),
                "refused_locked": int(
                    after["identity_login_refused_locked_total"]
                    - before["identity_login_refused_locked_total"]
                ),
                "rejected_without_hashing_after_10th": round(unhashed, 4),
                "attacker_statuses": attack.attacker_statuses,
                "other_logins": attack.other_attempts + base.other_attempts,
                "other_login_errors": attack.other_errors + base.other_errors,
                "load_average_1m": round(os.getloadavg()[0], 2),
            }
            rounds.append(row)
            print(json.dumps(row), flush=True)
        return {"rounds": rounds}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("fastapi", "uvicorn", "argon2-cffi", "pymongo", "aiokafka", "httpx"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def run(argv: list[str] | None = None) -> dict[str, object]:
    """Entry point for `python -m bench.run G11` (no arguments) and for `main`."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", help="an identity already running (default: start one)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--phase-seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", 10)))
    parser.add_argument("--rate", type=float, default=10.0, help="other users' logins per second")
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args([] if argv is None else argv)

    async def go() -> dict[str, object]:
        if args.url:
            return await measure(args.url, args)
        async with local_identity() as url:
            return await measure(url, args)

    data = asyncio.run(go())
    rounds: list[dict[str, float]] = data["rounds"]  # type: ignore[assignment]
    ratio = statistics.median(r["p99_ratio"] for r in rounds)
    typical = min(rounds, key=lambda r: abs(r["p99_ratio"] - ratio))
    unhashed = statistics.median(r["rejected_without_hashing_after_10th"] for r in rounds)
    result: dict[str, object] = {
        "id": "G11",
        "value": typical["attack_p99_ms"],
        "baseline": typical["baseline_p99_ms"],
        "ratio": ratio,
        "goal": "rejected without hashing after the 10th >= 90 %; other users' p99 / baseline <= 2",
        "met": unhashed >= 0.9 and ratio <= 2,
        "unit": "ms (other users' login p99 under attack; baseline: without attack)",
        "rejected_without_hashing_after_10th": unhashed,
        "rounds": rounds,
        "details": {
            "attack_per_minute": ATTACK_PER_MINUTE,
            "phase_seconds": args.phase_seconds,
            "other_users_rate_per_s": args.rate,
            "other_users": args.users,
            "hash_count_source": "identity /metrics identity_password_verifications_total",
        },
        "versions": versions(),
        "machine": {
            "node": platform.node(),
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "load generator": "on the same machine (loopback HTTP, identity in its own process)",
        },
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "G11.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\n{'figure':<44}{'value':>12}{'goal':>10}")
    print(f"{'rejected without hashing after the 10th':<44}{unhashed:>12.1%}{'>= 90 %':>10}")
    print(f"{'other users p99 under attack / baseline':<44}{ratio:>12.2f}{'<= 2':>10}")
    print(f"p99 baseline {result['baseline']} ms, under attack {result['value']} ms")
    print(f"met: {result['met']} -> {RESULTS / 'G11.json'}")
    return result


def main() -> int:
    run(sys.argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

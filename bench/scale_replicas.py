"""SCALE — replicas on the answer path: does throughput grow with them? (issue 14, "past one
machine"; docs/benchmarks.md, docs/design.md).

The answer path as separate processes: students answer over HTTP (wrk with
`bench/lua/students.lua`, as in G1) → `orga-assessment serve` records the answers and publishes
its events → `orga-analytics serve` consumes them into its projections. Each run starts N
replicas of **both** services (N = 1, then 2), each `orga-<service> serve` on its own port with
the same service name, so the replicas share their consumer groups and their database (fresh
`bench_` databases and fresh topics of `BENCH_SCALE_PARTITIONS` partitions per run, dropped
after). The load is `BENCH_SCALE_GENERATORS` wrk processes sharing `BENCH_CONCURRENCY`
connections and one measured window, generator i on replica i mod N (a round-robin of the
generators over the replicas): the same generators drive 1 and 2 replicas.

Kafka: the three-broker KRaft cluster of `bench/cluster.py`, started by the figure (topics of
replication factor 3, `min.insync.replicas=2`, acks=all: the production settings);
`BENCH_SCALE_CLUSTER=0` uses the configured broker (`ORGA_KAFKA_BOOTSTRAP`) instead, said so in
the result. The database is the configured one (the shared FerretDB).

Per run, inside the window:
- answers/s acknowledged: 201s of the answers, summed over the generators;
- answers/s projected: from the consumer side, the offsets analytics' projector group committed
  on the assessment topic at the window's start and end; the `AnswerRecorded` records between
  them are counted afterwards (the same for what was produced: the topic's end offsets);
- CPU per process, in cores (/proc): the replicas, wrk, the brokers, FerretDB (which other
  sessions share), this process, and the rest of the machine (other sessions).

Runs alternate 1, 2, 1, 2, ... (`BENCH_ROUNDS` pairs; the machine is shared, so its load drifts).
ratio = answers/s with 2 replicas ÷ with 1, per pair; the figure is the median. met: both the
acknowledged and the projected ratio ≥ 1.6. A profile (py-spy on one replica of each service
during one more 2-replica run, as G1's) says where the time goes: `bench/results/SCALE.profile.txt`
(`BENCH_PROFILE`: `auto` when missed, `1` always, `0` never).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from aiokafka.admin import AIOKafkaAdminClient

from bench import kafkatools, profile
from bench.assessment import (
    Assessment,
    Stack,
    _drop_database,
    assessment_stack,
    compacted_topic,
    record_database,
    seeded_service,
)
from bench.cluster import PRODUCTION_SETTINGS, KafkaCluster
from bench.g1_answer_throughput import answers_wrk, should_profile
from bench.harness import (
    RESULTS_DIR,
    Round,
    Settings,
    arun,
    env_int,
    ratio_result,
    write_result,
)
from bench.server import Server, bench_port, server_process
from bench.wrk import ensure_wrk
from bench.wrkload import WrkRun, window_start

GOAL = (
    "answers/s with 2 replicas of assessment and analytics ÷ with 1 ≥ 1.6 "
    "(acknowledged and projected)"
)
PARTITIONS = env_int("BENCH_SCALE_PARTITIONS", 4)
GENERATORS = env_int("BENCH_SCALE_GENERATORS", 2)
ANSWER = "AnswerRecorded"
BENCH_PROCESS = "this bench process"
NOT_THE_PATH = {profile.MACHINE, profile.OTHERS, BENCH_PROCESS}
FAIR_GAP = float(os.environ.get("BENCH_SCALE_FAIR_GAP", "0.2"))
"""Cores by which the rest of the machine's load may differ between the two runs of a round for
the round to count as a fair comparison (other sessions share the 2 cores; more processes of
ours win a larger share of them from the scheduler, which is not scaling)."""
READY_TIMEOUT = 120.0


# --- the answer path as processes ----------------------------------------------------------


@dataclass
class AnswerPath:
    """N replicas of assessment and of analytics on one stack, a campaign seeded."""

    service: Assessment
    """The first assessment replica, with the seeded campaign and the students."""
    assessment: list[Server]
    analytics: list[Server]
    projector_group: str
    events_topic: str
    bootstrap: str


def serve_command(service: str, port: int) -> list[str]:
    """`orga-<service> serve` on a loopback port, run by this interpreter."""
    return [
        sys.executable,
        "-m",
        f"{service}.entrypoints.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


@asynccontextmanager
async def replica(service: str, env: Mapping[str, str], log: Path) -> AsyncIterator[Server]:
    """One `orga-<service> serve` process, once its `/ready` says 200."""
    port = bench_port()
    async with server_process(
        serve_command(service, port),
        port,
        ready_path="/ready",
        ready_status=300,
        env={**env, "PYTHONUNBUFFERED": "1"},
        log=log,
        timeout=READY_TIMEOUT,
    ) as server:
        yield server


def analytics_env(
    settings: Settings, base: Stack, *, database: str, name: str, people: Mapping[str, str]
) -> dict[str, str]:
    """Analytics reading the stack's topics (assessment's own, and the ones it consumes)."""
    return {
        "ORGA_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "ORGA_MONGO_URL": settings.mongo_url,
        "ORGA_JWKS_URL": base.jwks_url,
        "ORGA_CONTENT_DIR": str(base.release),
        "ORGA_LOG_LEVEL": "WARNING",
        "ORGA_ANALYTICS_DATABASE": database,
        "ORGA_ANALYTICS_SERVICE_NAME": name,
        "ORGA_ANALYTICS_ASSESSMENT_TOPIC": base.topics["events"],
        "ORGA_ANALYTICS_CAMPAIGN_TOPIC": base.topics["campaign"],
        "ORGA_ANALYTICS_ORGANISATION_TOPIC": base.topics["organisation"],
        "ORGA_ANALYTICS_IDENTITY_TOPIC": base.topics["identity"],
        "ORGA_ANALYTICS_PARTICIPANT_IDS_TOPIC": base.topics["participant_ids"],
        "ORGA_ANALYTICS_USER_PROFILES_TOPIC": people["user_profiles"],
        "ORGA_ANALYTICS_LEARNER_PROFILES_TOPIC": people["learner_profiles"],
    }


@asynccontextmanager
async def answer_path(settings: Settings, replicas: int) -> AsyncIterator[AnswerPath]:
    """Fresh topics and databases, `replicas` processes of each service, the campaign seeded
    and joined once through every assessment replica; all of it undone afterwards."""
    label = f"scale{replicas}"
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(assessment_stack(settings, label=label, stack=stack))
        people = {
            role: await stack.enter_async_context(
                compacted_topic(
                    settings.kafka_bootstrap,
                    f"analytics_{label}_{role}",
                    settings.partitions,
                    replication=settings.replication,
                )
            )
            for role in ("user_profiles", "learner_profiles")
        }
        database = f"bench_{label}_analytics_{base.token}"
        stack.push_async_callback(_drop_database, settings.mongo_url, database)
        name = f"analytics-{label}-{base.token}"
        env = analytics_env(settings, base, database=database, name=name, people=people)
        logs = RESULTS_DIR / "logs"
        assessment = [
            await stack.enter_async_context(
                replica("assessment", base.env, logs / f"{base.database}-{i}.log")
            )
            for i in range(replicas)
        ]
        analytics = [
            await stack.enter_async_context(replica("analytics", env, logs / f"{database}-{i}.log"))
            for i in range(replicas)
        ]
        path = AnswerPath(
            await seeded_service(settings, base, assessment, "all"),
            assessment,
            analytics,
            # analytics' live projector: `<service name>.projector.<generation>` (ADR 0016)
            f"{name}.projector.g1",
            base.topics["events"],
            settings.kafka_bootstrap,
        )
        await wait_members(path.bootstrap, path.projector_group, replicas)
        yield path


async def wait_members(bootstrap: str, group: str, n: int, timeout: float = 90.0) -> None:
    """Every analytics replica holds partitions of the projector group before the load."""
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        seen = await kafkatools.group_members(bootstrap, group)
        if seen >= n:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"group {group}: {seen} of {n} members within {timeout} s")


# --- what one run measures -----------------------------------------------------------------


class Offsets:
    """End offsets of the assessment topic (produced) and the projector group's committed
    offsets on it (projected), per partition, read with clients started beforehand."""

    def __init__(self, path: AnswerPath) -> None:
        self.path = path
        self.admin = AIOKafkaAdminClient(bootstrap_servers=path.bootstrap)
        self._reader: Any = None
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Offsets:
        await self.admin.start()
        self._stack.push_async_callback(self.admin.close)
        self._reader = await self._stack.enter_async_context(
            kafkatools.reader(self.path.bootstrap, self.path.events_topic)
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def read(self) -> tuple[dict[int, int], dict[int, int]]:
        parts = list(self._reader.assignment())
        ends, committed = await asyncio.gather(
            self._reader.end_offsets(parts),
            self.admin.list_consumer_group_offsets(self.path.projector_group),
        )
        produced = {tp.partition: int(o) for tp, o in ends.items()}
        projected = {
            tp.partition: max(0, int(meta.offset))
            for tp, meta in committed.items()
            if tp.topic == self.path.events_topic
        }
        return produced, {p: projected.get(p, 0) for p in produced}


def cpu_groups(path: AnswerPath, settings: Settings, brokers: list[int]) -> dict[str, list[int]]:
    def listening(url: str, default: int) -> list[int]:
        pid = profile.pid_listening(urlparse(url).port or default)
        return [pid] if pid else []

    return {
        f"assessment ×{len(path.assessment)}": [s.pid for s in path.assessment],
        f"analytics ×{len(path.analytics)}": [s.pid for s in path.analytics],
        "wrk": profile.children_named("wrk"),
        f"kafka broker ×{len(brokers)} (java)": brokers,
        "ferretdb (shared with other sessions)": listening(settings.mongo_url, 27017),
        BENCH_PROCESS: [os.getpid()],
    }


def cost_per_answer(cores: Mapping[str, float], answers_per_s: float) -> dict[str, float]:
    """CPU milliseconds each acknowledged answer cost each group (cores ÷ answers/s); `answer
    path` sums the groups of the path (not this process, not the rest of the machine)."""
    if not answers_per_s:
        return {}
    path = {k: v for k, v in cores.items() if k not in NOT_THE_PATH}
    costs = {k: round(1000 * v / answers_per_s, 2) for k, v in path.items()}
    costs["answer path"] = round(1000 * sum(path.values()) / answers_per_s, 2)
    return costs


def others(run: Mapping[str, Any]) -> float:
    """Cores the rest of the machine (other sessions) took during a run's window."""
    return float(run["cpu_cores"].get(profile.OTHERS, 0.0))


def rate_of(counts: Mapping[str, int], seconds: float) -> float:
    return counts.get(ANSWER, 0) / seconds if seconds else 0.0


def ranges(before: Mapping[int, int], after: Mapping[int, int]) -> dict[int, tuple[int, int]]:
    return {p: (before.get(p, 0), after[p]) for p in after}


async def sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


async def catch_up(offsets: Offsets, timeout: float = 60.0) -> int:
    """Wait (bounded) for analytics to apply what was produced; the lag left, in records."""
    deadline = time.monotonic() + timeout
    while True:
        produced, projected = await offsets.read()
        lag = sum(produced[p] - projected.get(p, 0) for p in produced)
        if lag <= 0 or time.monotonic() > deadline:
            return max(0, lag)
        await asyncio.sleep(0.5)


async def measure_run(settings: Settings, replicas: int, brokers: list[int]) -> dict[str, Any]:
    """One run of N replicas: rates acknowledged, produced and projected in the window, CPU."""
    async with answer_path(settings, replicas) as path, Offsets(path) as offsets:
        start = window_start(settings.warmup)
        end = start + settings.duration
        shares = [settings.concurrency // GENERATORS] * GENERATORS
        for i in range(settings.concurrency % GENERATORS):
            shares[i] += 1
        loads = [
            asyncio.create_task(
                answers_wrk(
                    path.service,
                    settings,
                    connections=c,
                    url=path.assessment[i % replicas].url,
                    start=start,
                )
            )
            for i, c in enumerate(shares)
        ]
        await sleep_until(start)
        split = profile.CpuSplit(cpu_groups(path, settings, brokers), machine=True)
        split.start()
        produced0, projected0 = await offsets.read()
        await sleep_until(end)
        produced1, projected1 = await offsets.read()
        cores = split.stop()
        runs: list[WrkRun] = list(await asyncio.gather(*loads))
        lag = await catch_up(offsets)
        produced = await kafkatools.count_event_types(
            path.bootstrap, path.events_topic, ranges(produced0, produced1)
        )
        projected = await kafkatools.count_event_types(
            path.bootstrap, path.events_topic, ranges(projected0, projected1)
        )
    seconds = settings.duration
    acknowledged = sum(r.ok for r in runs) / seconds
    run = {
        "replicas": replicas,
        "answers_per_s": round(acknowledged, 1),
        "produced_answers_per_s": round(rate_of(produced, seconds), 1),
        "projected_answers_per_s": round(rate_of(projected, seconds), 1),
        "projected_events_per_s": round(sum(projected.values()) / seconds, 1),
        "lag_after_s": lag,
        "cpu_cores": cores,
        "cpu_ms_per_answer": cost_per_answer(cores, acknowledged),
        "generators": [
            {"replica": i % replicas, **r.summary(), "latencies_ms": None}
            for i, r in enumerate(runs)
        ],
    }
    print(
        f"  {replicas} replica(s): {run['answers_per_s']:,.0f} answers/s acknowledged, "
        f"{run['projected_answers_per_s']:,.0f}/s projected, failed "
        f"{sum(r.failed for r in runs)}; cores: " + ", ".join(f"{k} {v}" for k, v in cores.items()),
        flush=True,
    )
    return run


# --- where the time goes -------------------------------------------------------------------


async def profile_run(settings: Settings, brokers: list[int]) -> Path:
    """One more 2-replica run, py-spy on the first replica of each service during the window."""
    folded = {s: RESULTS_DIR / f"SCALE.profile.{s}.folded" for s in ("assessment", "analytics")}
    report = RESULTS_DIR / "SCALE.profile.txt"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    async with answer_path(settings, 2) as path:
        start = window_start(settings.warmup)
        loads = [
            asyncio.create_task(
                answers_wrk(
                    path.service,
                    settings,
                    connections=settings.concurrency // GENERATORS,
                    url=path.assessment[i % 2].url,
                    start=start,
                )
            )
            for i in range(GENERATORS)
        ]
        await sleep_until(start)
        split = profile.CpuSplit(cpu_groups(path, settings, brokers), machine=True)
        split.start()
        await asyncio.gather(
            profile.record(path.assessment[0].pid, settings.duration, folded["assessment"]),
            profile.record(path.analytics[0].pid, settings.duration, folded["analytics"]),
        )
        cores = split.stop()
        runs = await asyncio.gather(*loads)
    rate = sum(r.ok for r in runs) / settings.duration
    head = (
        f"SCALE: 2 replicas of assessment and analytics, {settings.concurrency} wrk connections "
        f"in {GENERATORS} generators; {rate:,.0f} answers/s while sampled\n"
        "CPU used meanwhile, in cores (this machine has "
        f"{os.cpu_count()}): " + ", ".join(f"{k} {v}" for k, v in cores.items())
    )
    parts = [head, ""]
    for service, file in folded.items():
        pid = path.assessment[0].pid if service == "assessment" else path.analytics[0].pid
        parts.append(
            profile.summarize(file, title=f"== py-spy on one {service} replica (pid {pid})")
        )
    report.write_text("\n".join(parts) + "\n")
    print(f"  profile -> {report}", flush=True)
    return report


# --- the figure ----------------------------------------------------------------------------


@dataclass
class Kafka:
    settings: Settings
    """The figure's settings, pointing at the brokers."""
    details: dict[str, Any]
    brokers: list[int]
    """The brokers' process ids (their CPU is measured)."""


@asynccontextmanager
async def kafka(settings: Settings) -> AsyncIterator[Kafka]:
    """The three-broker cluster of `bench/cluster.py` (RF 3, min ISR 2), started for the figure
    and removed after; `BENCH_SCALE_CLUSTER=0`: the configured broker instead.

    Everyone is given one broker to bootstrap from (the client learns the others from the
    metadata): the services' `KafkaBroker` takes `ORGA_KAFKA_BOOTSTRAP` as a single address, so
    a comma-separated list fails to connect."""
    settings = dataclasses.replace(settings, partitions=PARTITIONS)
    if os.environ.get("BENCH_SCALE_CLUSTER", "1") == "0":
        port = int(settings.kafka_bootstrap.split(",")[0].rsplit(":", 1)[1])
        pid = profile.pid_listening(port)
        yield Kafka(
            settings,
            {"kafka": f"the configured broker {settings.kafka_bootstrap}", "replication": 1},
            [pid] if pid else [],
        )
        return
    async with KafkaCluster(partitions=PARTITIONS) as cluster:
        settings = dataclasses.replace(
            settings, kafka_bootstrap=cluster.bootstrap_of(1), replication=3
        )
        described = ", ".join(f"{k}={v}" for k, v in PRODUCTION_SETTINGS.items())
        yield Kafka(
            settings,
            {
                "kafka": f"three-broker KRaft cluster (bench/cluster.py), {described}",
                "bootstrap": f"{cluster.bootstrap_of(1)} (of {cluster.bootstrap})",
                "replication": 3,
            },
            [n.process.pid for n in cluster.nodes.values() if n.process is not None],
        )


async def measure(settings: Settings) -> None:
    if await ensure_wrk() is None:
        raise RuntimeError("wrk is needed (apt-get install wrk)")
    await record_database(settings)
    rounds: list[Round] = []
    async with kafka(settings) as brokers:
        settings = brokers.settings
        for r in range(settings.rounds):
            print(f"round {r + 1}/{settings.rounds}", flush=True)
            one = await measure_run(settings, 1, brokers.brokers)
            two = await measure_run(settings, 2, brokers.brokers)
            projected = (
                two["projected_answers_per_s"] / one["projected_answers_per_s"]
                if one["projected_answers_per_s"]
                else float("nan")
            )
            rounds.append(
                Round(
                    two["answers_per_s"],
                    one["answers_per_s"],
                    {"projected_ratio": round(projected, 3), "one": one, "two": two},
                )
            )
        projected_ratio = statistics.median(r.details["projected_ratio"] for r in rounds)
        for done in rounds:
            gap = others(done.details["one"]) - others(done.details["two"])
            done.details["others_cores"] = [
                others(done.details["one"]),
                others(done.details["two"]),
            ]
            done.details["fair"] = abs(gap) <= FAIR_GAP
        fair = [done.ratio for done in rounds if done.details["fair"]]
        fair_ratio = statistics.median(fair) if fair else None
        result = ratio_result(
            "SCALE",
            rounds,
            unit="answers/s acknowledged with 2 replicas (baseline: with 1)",
            goal=GOAL,
            met=lambda ratio, _: (
                ratio >= 1.6
                and projected_ratio >= 1.6
                and fair_ratio is not None
                and fair_ratio >= 1.6
            ),
            details={
                **brokers.details,
                "projected_ratio": projected_ratio,
                "fair_rounds_ratio": fair_ratio,
                "fair_rounds": f"{len(fair)} of {len(rounds)}",
                "fairness": (
                    f"a round is fair when the rest of the machine took within {FAIR_GAP} cores "
                    "as much during its 2-replica run as during its 1-replica run; met needs the "
                    "median of all rounds, of the projected ratios and of the fair rounds ≥ 1.6"
                ),
                "order": "1, 2 replicas per round, rounds back to back (1,2,1,2,...)",
                "partitions": settings.partitions,
                "generators": GENERATORS,
                "connections": settings.concurrency,
                "warmup_s": settings.warmup,
                "duration_s": settings.duration,
                "database": settings.mongo_url,
            },
        )
        if should_profile(result.met):
            with contextlib.suppress(FileNotFoundError):
                result.details["profile"] = str(await profile_run(settings, brokers.brokers))
    print(f"  -> {write_result(result)}")


def run() -> None:
    arun(measure(Settings()))

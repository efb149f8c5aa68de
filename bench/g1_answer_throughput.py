"""G1 — answer throughput: saturated "record answer + next challenge" (docs/benchmarks.md).

Per round, back to back and in alternating order:

- the assessment service (`bench/assessment.py`: 5,000-skill synthetic release, a campaign of
  one synthetic target profile, ~310 skills; fresh topics and `bench_` database; acks=all, the
  platform's default) under wrk with `bench/lua/students.lua`: `BENCH_CONCURRENCY` threads of one
  connection, each a student who joins, answers the challenge each answer returns (value "1"),
  and moves to a fresh user when the test ends. value = answers (201) per second in the window;
- the hello world (`bench/hello.py`) under the same uvicorn worker count, the same wrk, the same
  script in `hello` mode, the same threads and connections. baseline = its req/s.

ratio = answers/s ÷ hello req/s. met: ratio ≥ 0.10 and answers/s ≥ 300. When missed (or
`BENCH_PROFILE=1`), one more run is sampled with py-spy: `bench/results/G1.profile.txt`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench.assessment import Assessment, assessment_service, record_database
from bench.harness import (
    RESULTS_DIR,
    Round,
    Settings,
    arun,
    env_int,
    ratio_result,
    run_token,
    write_result,
)
from bench.server import uvicorn_process
from bench.wrk import ensure_wrk
from bench.wrkload import WrkRun, run_wrk

GOAL = "answers/s ÷ hello-world req/s (same wrk, same workers) ≥ 0.10 and ≥ 300 answers/s"
WORKERS = env_int("BENCH_WORKERS", 1)
USERS_PER_THREAD = env_int("BENCH_USERS_PER_THREAD", 100)


async def hello_wrk(
    settings: Settings,
    *,
    connections: int,
    warmup: float | None = None,
    duration: float | None = None,
    think_time: float = 0.0,
    keep_alive: float | None = None,
) -> WrkRun:
    """The hello world, same worker count, under the same wrk script (GET /hello)."""
    async with uvicorn_process(
        "bench.hello:app", workers=WORKERS, ready_path="/hello", keep_alive=keep_alive
    ) as server:
        return await run_wrk(
            server.url,
            mode="hello",
            connections=connections,
            warmup=settings.warmup if warmup is None else warmup,
            duration=settings.duration if duration is None else duration,
            think_time=think_time,
        )


async def answers_wrk(
    service: Assessment,
    settings: Settings,
    *,
    connections: int,
    users_per_thread: int = USERS_PER_THREAD,
    warmup: float | None = None,
    duration: float | None = None,
    think_time: float = 0.0,
    url: str | None = None,
    start: float | None = None,
) -> WrkRun:
    """Students answering the service's campaign; fresh users for every run. `url`: another
    replica of the service (same database); `start`: a window shared with other wrk runs."""
    tokens = service.token_file(connections * users_per_thread)
    return await run_wrk(
        url or service.url,
        mode="students",
        connections=connections,
        warmup=settings.warmup if warmup is None else warmup,
        duration=settings.duration if duration is None else duration,
        think_time=think_time,
        tokens=tokens,
        code=service.seeded.code,
        run_id=run_token(),
        start=start,
    )


def describe(service: Assessment) -> dict[str, Any]:
    return {
        "campaign_skills": service.seeded.skills,
        "release_skills": 5000,
        "acks": service.acks,
        "workers": WORKERS,
    }


def announce(label: str, run: WrkRun) -> None:
    s = run.summary()
    print(
        f"  {label}: {s['rate']:,.0f}/s, p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms, "
        f"failed {s['failed']}, ended tests {s['tests_ended']}",
        flush=True,
    )


async def profile_answers(
    settings: Settings, figure: str, *, connections: int, acks: str = "all"
) -> Path:
    """One more run of the service under the same load, sampled by py-spy during the window."""
    import asyncio

    from bench import profile

    folded = RESULTS_DIR / f"{figure}.profile.folded"
    report = RESULTS_DIR / f"{figure}.profile.txt"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    async with assessment_service(settings, label=f"{figure.lower()}prof", acks=acks) as svc:
        load = asyncio.create_task(answers_wrk(svc, settings, connections=connections))
        await asyncio.sleep(settings.warmup + 0.5)
        split = profile.CpuSplit(
            {
                "assessment service": [svc.server.pid],
                **profile.pids_named("ferretdb", "wrk"),
                "kafka broker (java)": profile.pids_named("java")["java"],
            }
        )
        split.start()
        await profile.record(svc.server.pid, settings.duration, folded)
        cores = split.stop()
        run = await load
    title = (
        f"{figure}: py-spy on the assessment service (pid {svc.server.pid}, acks={acks}) during "
        f"{settings.duration:.0f} s of saturated answering, {connections} wrk connections; "
        f"{run.rate:,.0f} answers/s while sampled (p50 {run.p(50):.1f} ms)\n"
        f"CPU used meanwhile, in cores (this machine has {os.cpu_count()}): "
        + ", ".join(f"{k} {v}" for k, v in cores.items())
    )
    report.write_text(profile.summarize(folded, title=title) + "\n")
    print(f"  profile -> {report}", flush=True)
    return report


async def measure(settings: Settings) -> None:
    if await ensure_wrk() is None:
        raise RuntimeError("wrk is needed (apt-get install wrk)")
    await record_database(settings)
    connections = settings.concurrency
    rounds: list[Round] = []
    details: dict[str, Any] = {}
    for r in range(settings.rounds):
        print(f"round {r + 1}/{settings.rounds}", flush=True)
        runs: dict[str, WrkRun] = {}
        for side in ("hello", "service") if r % 2 == 0 else ("service", "hello"):
            if side == "hello":
                runs["hello"] = await hello_wrk(settings, connections=connections)
                announce("hello world", runs["hello"])
            else:
                async with assessment_service(settings, label="g1") as svc:
                    details = describe(svc)
                    runs["service"] = await answers_wrk(svc, settings, connections=connections)
                announce("answers", runs["service"])
        rounds.append(
            Round(
                runs["service"].rate,
                runs["hello"].rate,
                {"answers": runs["service"].summary(), "hello": runs["hello"].summary()},
            )
        )
    result = ratio_result(
        "G1",
        rounds,
        unit="answers/s (baseline: hello-world req/s)",
        goal=GOAL,
        met=lambda ratio, typical: ratio >= 0.10 and typical.value >= 300,
        details={
            **details,
            "generator": "wrk + bench/lua/students.lua, one connection per thread",
            "connections": connections,
            "warmup_s": settings.warmup,
            "duration_s": settings.duration,
        },
    )
    if should_profile(result.met):
        result.details["profile"] = str(
            await profile_answers(settings, "G1", connections=connections)
        )
    print(f"  -> {write_result(result)}")


def should_profile(met: bool | None) -> bool:
    wanted = os.environ.get("BENCH_PROFILE", "auto")
    return wanted == "1" or (wanted == "auto" and not met)


def run() -> None:
    arun(measure(Settings()))

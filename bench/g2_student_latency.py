"""G2 — student latency with 1,000 simulated students and 10 s think time (docs/benchmarks.md).

Per round, back to back and in alternating order:

- the assessment service (as G1) under wrk with `bench/lua/students.lua`: `BENCH_G2_STUDENTS`
  threads of one connection, each a student who thinks (exponential, mean `BENCH_G2_THINK`
  seconds; the first request after a uniform 0..think delay, so joins spread over the warm-up)
  before each request: join, then answer the returned challenge. value = p99 of the answers
  (ms) inside the window;
- the hello world, same workers, same wrk script in `hello` mode, same threads, same think
  time. baseline = its p99.

ratio = p99 ÷ hello p99 (reported); met: p99 ≤ 150 ms.
"""

from __future__ import annotations

from typing import Any

from bench.assessment import assessment_service, record_database
from bench.g1_answer_throughput import announce, answers_wrk, describe, hello_wrk
from bench.harness import Round, Settings, arun, env_float, env_int, ratio_result, write_result
from bench.wrk import ensure_wrk
from bench.wrkload import WrkRun

GOAL = "answer p99 ≤ 150 ms with 1,000 students thinking 10 s (ratio: ÷ hello-world p99)"
STUDENTS = env_int("BENCH_G2_STUDENTS", 1000)
THINK = env_float("BENCH_G2_THINK", 10.0)
WARMUP = env_float("BENCH_G2_WARMUP", 20.0)
DURATION = env_float("BENCH_G2_DURATION", 60.0)
KEEP_ALIVE = env_float("BENCH_G2_KEEP_ALIVE", 120.0)
"""Both servers keep idle connections this long: uvicorn's 5 s would close a thinking student's
connection before almost every request, and wrk resends at once on a reconnect, think time
skipped (browsers behind a proxy keep theirs open for a minute or more)."""


async def measure(settings: Settings) -> None:
    if await ensure_wrk() is None:
        raise RuntimeError("wrk is needed (apt-get install wrk)")
    await record_database(settings)
    rounds: list[Round] = []
    details: dict[str, Any] = {}
    load = {"warmup": WARMUP, "duration": DURATION, "think_time": THINK}
    for r in range(settings.rounds):
        print(f"round {r + 1}/{settings.rounds}", flush=True)
        runs: dict[str, WrkRun] = {}
        for side in ("hello", "service") if r % 2 == 0 else ("service", "hello"):
            if side == "hello":
                runs["hello"] = await hello_wrk(
                    settings, connections=STUDENTS, keep_alive=KEEP_ALIVE, **load
                )
                announce("hello world", runs["hello"])
            else:
                async with assessment_service(settings, label="g2", keep_alive=KEEP_ALIVE) as svc:
                    details = describe(svc)
                    runs["service"] = await answers_wrk(
                        svc, settings, connections=STUDENTS, users_per_thread=2, **load
                    )
                announce("answers", runs["service"])
        rounds.append(
            Round(
                runs["service"].p(99),
                runs["hello"].p(99),
                {"answers": runs["service"].summary(), "hello": runs["hello"].summary()},
            )
        )
    result = ratio_result(
        "G2",
        rounds,
        unit="ms (answer p99; baseline: hello-world p99, same students and think time)",
        goal=GOAL,
        met=lambda ratio, typical: typical.value <= 150,
        details={
            **details,
            "generator": "wrk + bench/lua/students.lua, one connection per thread",
            "students": STUDENTS,
            "think_time_s": THINK,
            "warmup_s": WARMUP,
            "duration_s": DURATION,
            "keep_alive_s": KEEP_ALIVE,
        },
    )
    print(f"  -> {write_result(result)}")


def run() -> None:
    arun(measure(Settings()))

"""G10 — the cost of safe settings: G1 with acks=all + idempotence ÷ G1 with acks=1
(docs/benchmarks.md).

Per round, back to back and in alternating order, G1's saturated answering (same wrk script,
same connections) against two fresh services that differ only by `ORGA_KAFKA_ACKS`: `all` (the
platform's default, idempotent producer) and `1` (idempotence off). value = answers/s with
acks=all, baseline = answers/s with acks=1. met: ratio ≥ 0.8.
"""

from __future__ import annotations

from typing import Any

from bench.assessment import assessment_service, record_database
from bench.g1_answer_throughput import (
    announce,
    answers_wrk,
    describe,
    profile_answers,
    should_profile,
)
from bench.harness import Round, Settings, arun, ratio_result, write_result
from bench.wrk import ensure_wrk
from bench.wrkload import WrkRun

GOAL = "answers/s with acks=all + idempotence ÷ answers/s with acks=1 ≥ 0.8"


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
        for acks in ("all", "1") if r % 2 == 0 else ("1", "all"):
            async with assessment_service(settings, label=f"g10acks{acks}", acks=acks) as svc:
                details = describe(svc)
                runs[acks] = await answers_wrk(svc, settings, connections=connections)
            announce(f"acks={acks}", runs[acks])
        rounds.append(
            Round(
                runs["all"].rate,
                runs["1"].rate,
                {"acks_all": runs["all"].summary(), "acks_1": runs["1"].summary()},
            )
        )
    details.pop("acks", None)
    result = ratio_result(
        "G10",
        rounds,
        unit="answers/s with acks=all (baseline: with acks=1)",
        goal=GOAL,
        met=lambda ratio, typical: ratio >= 0.8,
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
            await profile_answers(settings, "G10", connections=connections)
        )
    print(f"  -> {write_result(result)}")


def run() -> None:
    arun(measure(Settings()))

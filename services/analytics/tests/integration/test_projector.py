"""The projector on the real Kafka and database: applies, commits, survives redelivery and
SIGKILLs (its documents then equal a clean rebuild), reports progress, stops in bounds."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from analytics.adapters.projector import Projector
from analytics.application.projection import Generation
from analytics.bootstrap import projections
from analytics.config import Settings
from orga_shared.testing.fixtures import eventually
from orga_shared.testing.histories import produce_history

from .fixtures_replay import (
    REGISTRY,
    CampaignCounter,
    SampleIgnored,
    answer,
    answers,
    committed,
    counts,
    envelope,
    produce,
    snapshot,
)

pytestmark = pytest.mark.integration
CHILD = Path(__file__).with_name("fixtures_replay.py")


def projector(infra, topic: str, gen: Generation, group: str | None = None, **kw) -> Projector:
    return Projector(
        infra.kafka_bootstrap,
        [topic],
        group or f"test.projector.{uuid.uuid4().hex[:8]}",
        [CampaignCounter()],
        gen,
        registry=REGISTRY,
        **kw,
    )


async def test_applies_records_skips_bad_ones_and_commits(infra, db, new_topic):
    topic = await new_topic("test.events")
    values, expected = answers(60)
    bad_payload = answer("campaign-0", "x", 1).model_copy(update={"payload": {"score": "no"}})
    values += [
        ("x", b"not an envelope"),
        ("x", bad_payload.to_json_bytes()),
        ("y", envelope(SampleIgnored(), "other").to_json_bytes()),
    ]
    await produce(infra.kafka_bootstrap, topic, values)
    group = f"test.projector.{uuid.uuid4().hex[:8]}"
    gen = Generation(db, "g1")

    progress = await projector(infra, topic, gen, group, batch_size=7).run_until_caught_up()

    assert await counts(gen) == dict(expected)
    assert (progress.applied, progress.undecodable, progress.skipped) == (60, 2, 1)
    assert await committed(infra.kafka_bootstrap, group, topic) == len(values)


async def test_a_redelivered_stream_changes_nothing(infra, db, new_topic):
    topic = await new_topic("test.events")
    values, expected = answers(80)
    await produce(infra.kafka_bootstrap, topic, values)
    gen = Generation(db, "g1")
    await projector(infra, topic, gen, batch_size=10).run_until_caught_up()
    before = await snapshot(gen)

    # another group over the same generation: every record delivered a second time
    again = await projector(infra, topic, gen, batch_size=500).run_until_caught_up()

    assert again.applied == 80
    assert await snapshot(gen) == before
    assert await counts(gen) == dict(expected)


async def test_run_until_caught_up_reports_progress_then_resumes_at_the_end(infra, db, new_topic):
    topic = await new_topic("test.events")
    values, _ = answers(120)
    await produce(infra.kafka_bootstrap, topic, values)
    group = f"test.projector.{uuid.uuid4().hex[:8]}"
    gen = Generation(db, "g1")
    seen: list[tuple[int, int]] = []

    progress = await projector(infra, topic, gen, group, batch_size=20).run_until_caught_up(
        lambda p: seen.append((p.processed, p.lag))
    )

    assert seen[0][1] > 0 and seen[-1] == (120, 0)
    assert [lag for _, lag in seen] == sorted((lag for _, lag in seen), reverse=True)
    assert progress.lag == 0 and progress.rate > 0
    assert sum(progress.positions.values()) == sum(progress.ends.values()) == 120
    # the same group has consumed everything: a second run applies nothing and returns
    second = await projector(infra, topic, gen, group).run_until_caught_up()
    assert second.applied == 0 and second.lag == 0


async def test_live_run_follows_new_events_and_stops_within_bounds(infra, db, new_topic):
    topic = await new_topic("test.events")
    group = f"test.projector.{uuid.uuid4().hex[:8]}"
    gen = Generation(db, "g1")
    live = projector(infra, topic, gen, group, batch_size=50)
    stop = asyncio.Event()
    task = asyncio.create_task(live.run(stop))
    first, _ = answers(30, seed=1)
    await produce(infra.kafka_bootstrap, topic, first)
    assert await eventually(lambda: _caught_up(live, 30), timeout=60)
    second, _ = answers(30, seed=2)
    await produce(infra.kafka_bootstrap, topic, second)
    assert await eventually(lambda: _caught_up(live, 60), timeout=60)

    stop.set()
    started = time.monotonic()
    await asyncio.wait_for(task, 10)
    assert time.monotonic() - started < 5
    assert sum((await counts(gen)).values()) == 60
    assert await committed(infra.kafka_bootstrap, group, topic) == 60


async def _caught_up(p: Projector, applied: int) -> bool:
    return p.progress.applied == applied and p.progress.caught_up


@pytest.mark.timeout(600)  # 3,000 events through a loaded local database: minutes
async def test_sigkilled_three_times_its_documents_equal_a_clean_rebuild(
    infra, db, new_topic, tmp_path
):
    topic = await new_topic("test.events")
    n = int(os.environ.get("TEST_PROJECTOR_KILL_EVENTS", "3000"))
    values, expected = answers(n, campaigns=20)
    await produce(infra.kafka_bootstrap, topic, values)
    group = f"test.projector.{uuid.uuid4().hex[:8]}"
    seed = int(os.environ.get("TEST_PROJECTOR_KILL_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    crashed = Generation(db, "g1")
    cmd = [
        sys.executable,
        str(CHILD),
        *("--bootstrap", infra.kafka_bootstrap, "--topic", topic, "--mongo", infra.mongo_url),
        *("--db", db.name, "--gen", "g1", "--group", group, "--batch-size", "100"),
    ]
    log = tmp_path / "child.log"
    redelivered = 0
    for low, high in ((0.1, 0.3), (0.4, 0.6), (0.7, 0.85)):
        threshold = int(n * rng.uniform(low, high))
        child = await _spawn(cmd, log)
        try:
            while await crashed.col("answers").count_documents({}) < threshold:
                assert child.returncode is None, log.read_text()[-2000:]
                await asyncio.sleep(0.2)
        finally:
            child.send_signal(signal.SIGKILL)
            await child.wait()
        applied = await crashed.col("answers").count_documents({})
        redelivered += applied - await committed(infra.kafka_bootstrap, group, topic)
    finished = await _spawn(cmd, log)
    assert await asyncio.wait_for(finished.wait(), 240) == 0, log.read_text()[-2000:]

    clean = Generation(db, "g2")
    await projector(infra, topic, clean, batch_size=500).run_until_caught_up()

    assert await counts(crashed) == dict(expected), f"seed {seed}"
    assert await snapshot(crashed) == await snapshot(clean), f"seed {seed}"
    assert redelivered > 0, "no kill landed between an apply and its commit"


async def _spawn(cmd: list[str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(*cmd, stdout=subprocess.DEVNULL, stderr=out)


REAL_BASES = ("campaigns", "participations", "roster", "participants", "counters", "days")


async def _documents(gen: Generation) -> dict[str, list[dict[str, Any]]]:
    return {b: [d async for d in gen.col(b).find({}).sort("_id", 1)] for b in REAL_BASES}


async def test_the_real_projections_sigkilled_three_times_equal_a_clean_rebuild(
    infra, db, new_topic, tmp_path
):
    """Analytics' own projections (counters per partition, contributions, answers held back
    within a batch): a projector killed -9 three times mid-stream, then restarted, leaves
    exactly the documents of a clean rebuild."""
    topic = await new_topic("test.history", partitions=3)
    n = int(os.environ.get("TEST_PROJECTOR_KILL_EVENTS", "3000"))
    await produce_history(infra.kafka_bootstrap, topic, n, seed=11)
    group = f"test.projector.{uuid.uuid4().hex[:8]}"
    seed = int(os.environ.get("TEST_PROJECTOR_KILL_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    crashed = Generation(db, "g1")
    cmd = [
        sys.executable,
        str(CHILD),
        *("--bootstrap", infra.kafka_bootstrap, "--topic", topic, "--mongo", infra.mongo_url),
        *("--db", db.name, "--gen", "g1", "--group", group, "--batch-size", "100", "--real"),
    ]
    log = tmp_path / "child.log"
    kills = 0
    for low, high in ((0.1, 0.3), (0.4, 0.6), (0.7, 0.85)):
        threshold = int(n / 40 * rng.uniform(low, high))  # ~40 events per participation
        child = await _spawn(cmd, log)
        try:
            while await crashed.col("participations").count_documents({}) < threshold:
                if child.returncode is not None:
                    break
                await asyncio.sleep(0.2)
        finally:
            if child.returncode is None:
                kills += 1
                child.send_signal(signal.SIGKILL)
            await child.wait()
    finished = await _spawn(cmd, log)
    assert await asyncio.wait_for(finished.wait(), 400) == 0, log.read_text()[-2000:]
    assert kills == 3, "a child ended before its kill"

    clean = Generation(db, "g2")
    rebuild = Projector(
        infra.kafka_bootstrap,
        [topic],
        f"{group}.clean",
        projections(Settings()),
        clean,
        batch_size=500,
    )
    await rebuild.run_until_caught_up()
    ours, theirs = await _documents(crashed), await _documents(clean)
    assert sum(len(v) for v in ours.values()) > n / 40, "the history projected nothing"
    assert ours == theirs, f"seed {seed}"

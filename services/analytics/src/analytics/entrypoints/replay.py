"""`orga-analytics replay [--until INSTANT]` (`make replay`): rebuild the projections.

A replay builds the next generation (`g<n+1>`) beside the live one, from the earliest offsets
with its own consumer group, shows its progress, then switches readers to it and drops the
previous one; the live projector follows the switch (`LiveProjector`). With `--until`, it
builds `asof-YYYYMMDDTHHMMZ` from the events before the instant (Kafka's offsets for times)
and never switches. ADR 0016.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from analytics.adapters.generations import Generations
from analytics.adapters.projector import GROUP_PREFIX, Projector, ProjectorProgress, group_for
from analytics.application.projection import Projection
from analytics.config import Settings
from orga_shared.events.registry import EVENTS, EventRegistry
from orga_shared.observability import get_logger

log = get_logger(__name__)
OnProgress = Callable[[ProjectorProgress], None]


@dataclass(frozen=True)
class ReplayOutcome:
    generation: str
    previous: str | None
    """The generation switched away from and dropped (None for an as-of build)."""
    progress: ProjectorProgress
    seconds: float


async def end_offsets_at(
    bootstrap: str, topics: Sequence[str], instant: datetime
) -> dict[TopicPartition, int]:
    """Per partition, the first offset whose timestamp is at or after `instant` (the end
    offset when every record is older): an as-of build applies the records before it."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts: list[TopicPartition] = []
        for topic in topics:
            ids = consumer.partitions_for_topic(topic)
            if ids is None:
                await consumer._client.force_metadata_update()
                ids = consumer.partitions_for_topic(topic)
            parts += [TopicPartition(topic, p) for p in sorted(ids or ())]
        if not parts:
            return {}
        ends = await consumer.end_offsets(parts)
        at = int(instant.timestamp() * 1000)
        found = await consumer.offsets_for_times({tp: at for tp in parts})
        return {tp: found[tp].offset if found.get(tp) is not None else ends[tp] for tp in parts}
    finally:
        await consumer.stop()


async def replay(
    db: AsyncDatabase[dict[str, Any]],
    *,
    bootstrap: str,
    topics: Sequence[str],
    projections: Sequence[Projection],
    registry: EventRegistry = EVENTS,
    until: datetime | None = None,
    batch_size: int = 500,
    on_progress: OnProgress | None = None,
    drop_grace_seconds: float = 5.0,
    group_prefix: str = GROUP_PREFIX,
) -> ReplayOutcome:
    """Build a generation to the end (or `until`); switch to it and drop the previous one,
    after `drop_grace_seconds` (readers cache the current name, the live projector polls)."""
    generations = Generations(db)
    live = await generations.current()
    started = time.monotonic()
    for info in await generations.list():
        if info.state == "building":  # an interrupted replay: never resumed, rebuilt
            log.info("replay_drops_interrupted", generation=info.name)
            await generations.drop(info.name)
    limits: dict[TopicPartition, int] | None = None
    if until is not None:
        name = generations.as_of_name(until)
        if name in {info.name for info in await generations.list()}:
            await generations.drop(name)
        limits = await end_offsets_at(bootstrap, topics, until)
    else:
        name = await generations.next_name()
    gen = await generations.begin(name, until=until)
    log.info("replay_started", generation=name, live=live, until=until)
    projector = Projector(
        bootstrap,
        topics,
        group_for(name, group_prefix),
        projections,
        gen,
        registry=registry,
        batch_size=batch_size,
        until=limits,
        from_beginning=True,
        client_id=f"analytics-replay-{name}",
    )
    progress = await projector.run_until_caught_up(on_progress)
    previous = None
    if until is None:
        previous = await generations.switch(name)
        if previous is not None:
            await asyncio.sleep(drop_grace_seconds)
            await generations.drop(previous)
    seconds = time.monotonic() - started
    log.info("replay_done", generation=name, dropped=previous, applied=progress.applied)
    return ReplayOutcome(name, previous, progress, seconds)


def configured_topics(settings: Settings) -> list[str]:
    """The event topics analytics projects."""
    return settings.history_topics


def configured_projections(settings: Settings) -> list[Projection]:
    """The projections the live service runs (`analytics.bootstrap.projections`)."""
    from analytics.bootstrap import projections

    return projections(settings)


@contextmanager
def progress_display() -> Iterator[OnProgress]:
    """A progress bar (events/s, lag, ETA) on a terminal; a line every 2 s otherwise."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        last = [0.0]

        def line(p: ProjectorProgress) -> None:
            if time.monotonic() - last[0] >= 2.0:
                last[0] = time.monotonic()
                print(
                    f"replay: {p.processed:,} events, {p.rate:,.0f}/s, lag {p.lag:,}",
                    file=sys.stderr,
                    flush=True,
                )

        yield line
        return
    bar = Progress(
        TextColumn("replay"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>8,.0f} events/s  lag {task.fields[lag]:,}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )
    task = bar.add_task("replay", total=None, rate=0.0, lag=0)

    def update(p: ProjectorProgress) -> None:
        bar.update(task, completed=p.processed, total=p.processed + p.lag, rate=p.rate, lag=p.lag)

    with bar:
        yield update


async def _main(args: argparse.Namespace) -> int:
    settings = Settings()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db = client[settings.database]
    try:
        if args.command == "generations":
            generations = Generations(db)
            current = await generations.current()
            for info in await generations.list():
                mark = "*" if info.name == current else " "
                print(f"{mark} {info.name:<22} {info.state:<9} {info.collections} collections")
            return 0
        with progress_display() as on_progress:
            outcome = await replay(
                db,
                bootstrap=settings.kafka_bootstrap,
                topics=configured_topics(settings),
                projections=configured_projections(settings),
                until=args.until,
                batch_size=args.batch_size,
                on_progress=on_progress,
                group_prefix=f"{settings.service_name}.projector",
            )
        p = outcome.progress
        switched = f", now live (dropped {outcome.previous})" if outcome.previous else ""
        print(
            f"{outcome.generation}: {p.applied:,} applied, {p.skipped:,} skipped,"
            f" {p.undecodable:,} undecodable in {outcome.seconds:.1f} s{switched}"
        )
        return 0
    finally:
        await client.close()


def instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone: 2026-10-01T00:00Z")
    return parsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orga-analytics")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("replay", help="rebuild the projections into a new generation")
    run.add_argument("--until", type=instant, default=None, help="as of: 2026-10-01T00:00Z")
    run.add_argument("--batch-size", type=int, default=500)
    sub.add_parser("generations", help="list the projection generations")
    return asyncio.run(_main(parser.parse_args(argv)))

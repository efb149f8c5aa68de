"""`python -m orga_shared.messaging.dlq`: list a dead-letter topic, replay its messages once.

    python -m orga_shared.messaging.dlq list assessment.events.dlq [--json]
    python -m orga_shared.messaging.dlq replay assessment.events.dlq [--group G] [--event-id ID ...]

(also `make dlq ARGS="list assessment.events.dlq"`). Decisions in
docs/adr/0020-dead-letters-and-replay.md:

- `list` reads the topic from the beginning with no group and prints, per dead letter, its
  offset, where it came from (`dlq.source`), the consumer group that gave up, the error, the
  event id and type when the bytes are an envelope, when it was dead-lettered, and whether it
  was replayed already;
- `replay` republishes each selected dead letter to its source topic, same key and value, its
  original headers (the `dlq.*` ones dropped) plus `dlq.replayed-from: <dlq>:<partition>:<offset>`,
  so the consumer that dead-lettered it applies it (`orga_shared.messaging.consumer`) and the
  groups that applied it see a duplicate;
- replay progress is committed in the consumer group `orga.dlq-replay` after each successful
  send: the committed offset is the first dead letter not replayed, the commit's metadata lists
  the later ones already replayed (a selection by group or event id skips some), so a second
  replay republishes nothing. A crash between a send and its commit republishes that one
  message again, which every consumer's `processed_events` absorbs as a duplicate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata
from pydantic import ValidationError

from orga_shared.config import ServiceSettings
from orga_shared.events.envelope import Envelope
from orga_shared.messaging.consumer import DLQ_HEADER_PREFIX, REPLAYED_FROM
from orga_shared.messaging.producer import make_producer

REPLAY_GROUP = "orga.dlq-replay"
METADATA_LIMIT = 4000  # the broker's offset.metadata.max.bytes is 4096


@dataclass(frozen=True)
class DeadLetter:
    """One message of a dead-letter topic, as `list` shows it."""

    partition: int
    offset: int
    source: str | None
    consumer_group: str | None
    error_type: str | None
    error: str | None
    attempts: int | None
    event_id: str | None
    event_type: str | None
    dead_lettered_at: str
    replayed: bool = False

    @property
    def source_topic(self) -> str | None:
        return self.source.rsplit(":", 2)[0] if self.source else None


def _header(record: ConsumerRecord[bytes, bytes], name: str) -> str | None:
    for key, value in record.headers or ():
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


def dead_letter_of(record: ConsumerRecord[bytes, bytes], replayed: bool = False) -> DeadLetter:
    event_id = event_type = None
    try:
        envelope = Envelope.from_json_bytes(record.value or b"")
        event_id, event_type = envelope.event_id, envelope.event_type
    except ValidationError:
        pass  # undecodable bytes: no event id
    attempts = _header(record, "dlq.attempts")
    return DeadLetter(
        partition=record.partition,
        offset=record.offset,
        source=_header(record, "dlq.source"),
        consumer_group=_header(record, "dlq.consumer_group"),
        error_type=_header(record, "dlq.error_type"),
        error=_header(record, "dlq.error"),
        attempts=int(attempts) if attempts and attempts.isdigit() else None,
        event_id=event_id,
        event_type=event_type,
        dead_lettered_at=datetime.fromtimestamp(record.timestamp / 1000, UTC).isoformat(
            timespec="milliseconds"
        ),
        replayed=replayed,
    )


def encode_offsets(offsets: Iterable[int]) -> str:
    """`3-5,9` for {3, 4, 5, 9}: the commit metadata of the replayed ones past the offset."""
    ranges: list[list[int]] = []
    for o in sorted(set(offsets)):
        if ranges and o == ranges[-1][1] + 1:
            ranges[-1][1] = o
        else:
            ranges.append([o, o])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def decode_offsets(text: str | None) -> set[int]:
    found: set[int] = set()
    for part in (text or "").split(","):
        if not part.strip():
            continue
        low, _, high = part.partition("-")
        found.update(range(int(low), int(high or low) + 1))
    return found


@dataclass
class ReplayState:
    """Per partition: every offset below `next_offset` was replayed, and so were `done`."""

    next_offset: int
    done: set[int]

    def replayed(self, offset: int) -> bool:
        return offset < self.next_offset or offset in self.done

    def mark(self, offset: int) -> None:
        self.done.add(offset)
        while self.next_offset in self.done:
            self.done.discard(self.next_offset)
            self.next_offset += 1

    def commit_value(self) -> OffsetAndMetadata:
        metadata = encode_offsets(self.done)
        if len(metadata) > METADATA_LIMIT:
            raise RuntimeError(
                "trop de lettres mortes rejouées hors ordre pour être mémorisées : "
                "rejouez sans sélection (--group, --event-id) pour avancer"
            )
        return OffsetAndMetadata(self.next_offset, metadata)


class DeadLetterTopic:
    """A dead-letter topic read from its beginning, with the replay group's progress."""

    def __init__(self, bootstrap: str, topic: str, group: str = REPLAY_GROUP) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.group = group
        self.states: dict[TopicPartition, ReplayState] = {}

    async def __aenter__(self) -> DeadLetterTopic:
        await self._load_states()
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        await self.consumer.start()
        try:
            self.consumer.assign(self.parts)
            await self.consumer.seek_to_beginning(*self.parts)
        except BaseException:
            await self.consumer.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def _load_states(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            (described,) = await admin.describe_topics([self.topic])
            if described.get("error_code") or not described.get("partitions"):
                raise LookupError(f"le sujet {self.topic} n'existe pas")
            partitions = sorted(p["partition"] for p in described["partitions"])
            self.parts = [TopicPartition(self.topic, p) for p in partitions]
            committed = await admin.list_consumer_group_offsets(self.group, partitions=self.parts)
        finally:
            await admin.close()
        for tp in self.parts:
            found = committed.get(tp)
            if found is None or found.offset < 0:
                self.states[tp] = ReplayState(0, set())
            else:
                self.states[tp] = ReplayState(found.offset, decode_offsets(found.metadata))

    async def records(self) -> list[ConsumerRecord[bytes, bytes]]:
        """Every message up to the end offsets seen now, in partition then offset order."""
        ends = await self.consumer.end_offsets(self.parts)
        starts = await self.consumer.beginning_offsets(self.parts)
        remaining = [tp for tp in self.parts if ends[tp] > starts[tp]]
        found: list[ConsumerRecord[bytes, bytes]] = []
        while remaining:
            batch = await self.consumer.getmany(*remaining, timeout_ms=1000)
            for tp, recs in batch.items():
                found.extend(r for r in recs if r.offset < ends[tp])
            remaining = [tp for tp in remaining if await self.consumer.position(tp) < ends[tp]]
        return sorted(found, key=lambda r: (r.partition, r.offset))

    def replayed(self, record: ConsumerRecord[bytes, bytes]) -> bool:
        return self.states[TopicPartition(record.topic, record.partition)].replayed(record.offset)

    async def mark_replayed(self, record: ConsumerRecord[bytes, bytes]) -> None:
        tp = TopicPartition(record.topic, record.partition)
        self.states[tp].mark(record.offset)
        await self.consumer.commit({tp: self.states[tp].commit_value()})


async def list_dead_letters(bootstrap: str, topic: str) -> list[DeadLetter]:
    async with DeadLetterTopic(bootstrap, topic) as dlq:
        return [dead_letter_of(r, dlq.replayed(r)) for r in await dlq.records()]


def replay_headers(record: ConsumerRecord[bytes, bytes], topic: str) -> list[tuple[str, bytes]]:
    kept = [(k, v) for k, v in record.headers or () if not k.startswith(DLQ_HEADER_PREFIX)]
    return [*kept, (REPLAYED_FROM, f"{topic}:{record.partition}:{record.offset}".encode())]


@dataclass(frozen=True)
class ReplayOutcome:
    replayed: list[DeadLetter]
    already_replayed: int
    not_selected: int


async def replay_dead_letters(
    bootstrap: str,
    topic: str,
    *,
    group: str | None = None,
    event_ids: Sequence[str] = (),
) -> ReplayOutcome:
    """Republish the selected dead letters not replayed yet to their source topics, once."""
    wanted = set(event_ids)
    sent: list[DeadLetter] = []
    already = skipped = 0
    producer = make_producer(bootstrap, "orga-dlq-replay")
    await producer.start()
    try:
        async with DeadLetterTopic(bootstrap, topic) as dlq:
            for record in await dlq.records():
                letter = dead_letter_of(record)
                if dlq.replayed(record):
                    already += 1
                    continue
                if (group is not None and letter.consumer_group != group) or (
                    wanted and letter.event_id not in wanted
                ):
                    skipped += 1
                    continue
                if letter.source_topic is None:
                    raise ValueError(
                        f"{topic}:{record.partition}:{record.offset} n'a pas d'en-tête dlq.source"
                    )
                await producer.send_and_wait(
                    letter.source_topic,
                    value=record.value,
                    key=record.key,
                    headers=replay_headers(record, topic),
                )
                await dlq.mark_replayed(record)
                sent.append(letter)
    finally:
        await producer.stop()
    return ReplayOutcome(sent, already, skipped)


def _line(d: DeadLetter) -> str:
    event = f"{d.event_type} {d.event_id}" if d.event_id else "(illisible)"
    state = " [rejouée]" if d.replayed else ""
    return (
        f"{d.partition}:{d.offset}  {d.dead_lettered_at}  source={d.source}  "
        f"groupe={d.consumer_group}  {d.error_type} (essais {d.attempts}): {d.error}  "
        f"{event}{state}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orga_shared.messaging.dlq",
        description="Lister les lettres mortes d'un sujet <topic>.dlq, les rejouer une fois",
    )
    parser.add_argument("--bootstrap", help="Kafka (par défaut ORGA_KAFKA_BOOTSTRAP)")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="afficher chaque lettre morte")
    listing.add_argument("topic")
    listing.add_argument("--json", action="store_true", help="une ligne JSON par lettre morte")
    replay = commands.add_parser("replay", help="republier vers le sujet d'origine, une fois")
    replay.add_argument("topic")
    replay.add_argument("--group", help="seulement celles de ce groupe de consommateurs")
    replay.add_argument(
        "--event-id", action="append", default=[], help="seulement cet événement (répétable)"
    )
    args = parser.parse_args(argv)
    if not args.topic.endswith(".dlq"):
        parser.error(f"{args.topic} n'est pas un sujet de lettres mortes (<topic>.dlq)")
    bootstrap = args.bootstrap or ServiceSettings().kafka_bootstrap
    try:
        return _run(args, bootstrap)
    except LookupError as exc:
        print(f"erreur : {exc.args[0]}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, bootstrap: str) -> int:
    if args.command == "list":
        letters = asyncio.run(list_dead_letters(bootstrap, args.topic))
        for d in letters:
            print(json.dumps(asdict(d), ensure_ascii=False) if args.json else _line(d))
        if not args.json:
            print(f"{len(letters)} lettre(s) morte(s) dans {args.topic}", file=sys.stderr)
        return 0
    outcome = asyncio.run(
        replay_dead_letters(bootstrap, args.topic, group=args.group, event_ids=args.event_id)
    )
    for d in outcome.replayed:
        print(f"rejouée {d.partition}:{d.offset} -> {d.source_topic}  {d.event_id or ''}")
    print(
        f"{len(outcome.replayed)} rejouée(s), {outcome.already_replayed} déjà rejouée(s), "
        f"{outcome.not_selected} hors sélection"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Bytes per participation, answer and event, measured on a real flow (docs/capacity.md §5-§6).

Runs the whole system as real processes (`tests/system.py`), plays the class of 30 of
`tests/e2e/test_class_of_30.py` (every pupil joins and answers to the end, 20 send), waits until
analytics has counted them, then, before the run's databases are dropped:

- every collection of the run's six databases: documents, BSON bytes (what MongoDB stores before
  WiredTiger's block compression), largest document;
- every platform topic, read whole: messages and bytes per event type (key + value + headers,
  the record as the broker stores it, uncompressed: the producer does not compress);
- with `--kafka-log-dir` (the broker's `log.dirs`, when it is local): the bytes of each topic's
  log segments on disk, per message (records plus batch framing).

    ORGA_TEST_KAFKA_BOOTSTRAP=127.0.0.1:19092 ORGA_TEST_MONGO_URL=mongodb://127.0.0.1:27018/ \
      uv run --frozen python -m deploy.capacity.measure_sizes [--out bench/results/SIZES.json] \
      [--kafka-log-dir .local/kafka/data]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import bson
import httpx
import pymongo

from bench.kafkatools import consume
from orga_shared.messaging.topics import COMPACTED_TOPICS, EVENT_TOPICS
from orga_shared.testing.infra import start_infra
from tests.e2e.test_class_of_30 import PUPILS, SENDING, a_teacher, the_class, until
from tests.system import organisation, start_system


def collection_sizes(client: pymongo.MongoClient[dict[str, Any]], database: str) -> dict[str, Any]:
    sizes: dict[str, Any] = {}
    for name in sorted(client[database].list_collection_names()):
        lengths = [len(bson.encode(doc)) for doc in client[database][name].find({})]
        sizes[name] = {
            "documents": len(lengths),
            "bson_bytes": sum(lengths),
            "avg_bytes": round(sum(lengths) / len(lengths)) if lengths else 0,
            "max_bytes": max(lengths, default=0),
        }
    return sizes


def answer_events(client: pymongo.MongoClient[dict[str, Any]], database: str) -> dict[str, Any]:
    """The assessment event store: commits, and the events they hold by type."""
    types: Counter[str] = Counter()
    commit_bytes: dict[str, list[int]] = defaultdict(list)
    for commit in client[database]["commits"].find({}):
        kinds = [event["event_type"] for event in commit["events"]]
        types.update(kinds)
        commit_bytes["+".join(kinds)].append(len(bson.encode(commit)))
    return {
        "events_by_type": dict(types),
        "commits_by_shape": {
            shape: {"commits": len(b), "avg_bytes": round(sum(b) / len(b))}
            for shape, b in sorted(commit_bytes.items())
        },
    }


async def topic_sizes(bootstrap: str) -> dict[str, Any]:
    sizes: dict[str, Any] = {}
    for topic in (*EVENT_TOPICS, *COMPACTED_TOPICS):
        by_type: dict[str, list[int]] = defaultdict(list)

        def keep(record: Any, by_type: dict[str, list[int]] = by_type) -> None:
            headers = dict(record.headers)
            size = len(record.key or b"") + len(record.value or b"")
            size += sum(len(k) + len(v or b"") for k, v in record.headers)
            kind = headers.get("event_type", b"(tombstone)" if record.value is None else b"?")
            by_type[kind.decode()].append(size)

        messages, _ = await consume(bootstrap, topic, keep)
        every = [s for sizes_ in by_type.values() for s in sizes_]
        sizes[topic] = {
            "messages": messages,
            "avg_bytes": round(sum(every) / len(every)) if every else 0,
            "by_type": {
                kind: {"messages": len(s), "avg_bytes": round(sum(s) / len(s))}
                for kind, s in sorted(by_type.items())
            },
        }
    return sizes


def on_disk(log_dir: Path, topics: dict[str, Any]) -> dict[str, Any]:
    """Bytes of each topic's `.log` segments (index files are preallocated: left out)."""
    disk: dict[str, Any] = {}
    for topic, seen in topics.items():
        segments = [f for d in log_dir.glob(f"{topic}-[0-9]*") for f in d.glob("*.log")]
        size = sum(f.stat().st_size for f in segments)
        disk[topic] = {
            "log_bytes": size,
            "bytes_per_message": round(size / seen["messages"]) if seen["messages"] else 0,
        }
    return disk


def measure(kafka_log_dir: Path | None = None) -> dict[str, Any]:
    with ExitStack() as stack:
        infra = start_infra(stack)
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        system = stack.enter_context(start_system(infra, scratch))
        urls = system.urls
        teacher_id, teacher = asyncio.run(a_teacher(urls["identity"]))
        org = organisation(system, "Collège de mesure", "PRO", teacher_id)

        campaigns = f"{urls['campaign']}/organisations/{org}/campaigns"
        body = {"name": "Mesure", "type": "ASSESSMENT", "target_profile_id": "tp-1.1"}

        def created() -> Any:
            r = httpx.post(campaigns, json=body, headers=teacher, timeout=30)
            return r.status_code == 201, r.json()

        campaign = until(created, "the campaign service never knew the teacher")
        began = time.monotonic()
        answers = asyncio.run(the_class(urls, campaign["code"], campaign["campaign_id"]))
        answered = time.monotonic() - began
        activity = f"{urls['analytics']}/organisations/{org}/campaigns/{campaign['campaign_id']}"

        def counted() -> Any:
            r = httpx.get(f"{activity}/activity", headers=teacher, timeout=30)
            body = r.json() if r.status_code == 200 else {}
            return (body.get("total"), body.get("shared")) == (PUPILS, SENDING), body

        until(counted, "analytics never counted the class", timeout=180)
        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(infra.mongo_url)
        try:
            databases = {name: collection_sizes(client, name) for name in system.databases}
            assessment = next(n for n in system.databases if n.endswith("_assessment"))
            store = answer_events(client, assessment)
        finally:
            client.close()
        topics = asyncio.run(topic_sizes(infra.kafka_bootstrap))
        disk = on_disk(kafka_log_dir, topics) if kafka_log_dir else {}
    return {
        "flow": {
            "pupils": PUPILS,
            "sent": SENDING,
            "answers": sum(answers),
            "answers_per_pupil": {"min": min(answers), "max": max(answers)},
            "answering_seconds": round(answered, 1),
        },
        "databases": databases,
        "assessment_store": store,
        "topics": topics,
        "topics_on_disk": disk,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="bench/results/SIZES.json")
    parser.add_argument("--kafka-log-dir", type=Path, help="the local broker's log.dirs")
    args = parser.parse_args()
    result = measure(args.kafka_log_dir)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result["flow"]), f"\nwritten to {out}")


if __name__ == "__main__":
    main()

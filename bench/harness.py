"""What every figure shares: settings from the environment, rounds, the median of ratios,
the result file, and the printed table (docs/benchmarks.md: ratios within one run, 3 rounds)."""

from __future__ import annotations

import json
import math
import os
import platform
import re
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from orga_shared.config import ServiceSettings

T = TypeVar("T")
BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR", BENCH_DIR / "results"))
LOAD_GENERATOR = "on the same machine"


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(float(raw)) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    """Knobs shared by every figure; defaults are what docs/benchmarks.md asks; env vars shorten
    runs."""

    rounds: int = field(default_factory=lambda: env_int("BENCH_ROUNDS", 3))
    warmup: float = field(default_factory=lambda: env_float("BENCH_WARMUP", 10.0))
    duration: float = field(default_factory=lambda: env_float("BENCH_DURATION", 20.0))
    concurrency: int = field(default_factory=lambda: env_int("BENCH_CONCURRENCY", 32))
    kafka_bootstrap: str = field(default_factory=lambda: ServiceSettings().kafka_bootstrap)
    mongo_url: str = field(default_factory=lambda: ServiceSettings().mongo_url)
    partitions: int = field(default_factory=lambda: ServiceSettings().topic_partitions)
    replication: int = 1
    """Replicas of the topics a figure creates (3 on the cluster of `bench/cluster.py`)."""


def run_token() -> str:
    """Unique per process: topic and database names never collide between runs."""
    return f"{time.strftime('%Y%m%d%H%M%S')}_{secrets.token_hex(3)}"


def unique_name(prefix: str) -> str:
    return f"bench_{prefix}_{run_token()}"


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks, q in [0, 100]."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def arun(coro: Coroutine[Any, Any, T]) -> T:
    """uvloop when present, like uvicorn: the load generator must not be the slow side."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        import asyncio

        return asyncio.run(coro)
    return uvloop.run(coro)


@dataclass
class Round:
    value: float
    baseline: float
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else math.nan


@dataclass
class Result:
    id: str
    value: float | None
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    goal: str | None = None
    met: bool | None = None
    details: dict[str, Any] = field(default_factory=dict)
    rounds: list[dict[str, Any]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.update(versions=versions(), machine=machine(), at=utc_now())
        return doc


def median_of_ratios(rounds: Sequence[Round]) -> tuple[float, Round]:
    """The median ratio, and the round closest to it (its value and baseline go in the file)."""
    ratios = [r.ratio for r in rounds]
    median = statistics.median(ratios)
    closest = min(rounds, key=lambda r: abs(r.ratio - median))
    return median, closest


def ratio_result(
    figure_id: str,
    rounds: Sequence[Round],
    *,
    unit: str,
    goal: str,
    met: Callable[[float, Round], bool],
    details: dict[str, Any] | None = None,
) -> Result:
    ratio, typical = median_of_ratios(rounds)
    return Result(
        id=figure_id,
        value=typical.value,
        baseline=typical.baseline,
        ratio=ratio,
        unit=unit,
        goal=goal,
        met=met(ratio, typical),
        details=details or {},
        rounds=[
            {"value": r.value, "baseline": r.baseline, "ratio": r.ratio, **r.details}
            for r in rounds
        ],
    )


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def _kafka_version() -> str:
    pom = REPO_ROOT / "infra" / "kafka" / "pom.xml"
    text = pom.read_text() if pom.exists() else ""
    found = re.search(r"<kafka.version>(.+?)</kafka.version>", text)
    return found.group(1) if found else "3.9.1"


def _database_version() -> str:
    go_mod = REPO_ROOT / "infra" / "ferretdb" / "go.mod"
    text = go_mod.read_text() if go_mod.exists() else ""
    found = re.search(r"FerretDB/FerretDB v(\S+)", text)
    return f"FerretDB {found.group(1) if found else '1.24.0'} (SQLite)"


_DATABASE = os.environ.get("BENCH_DATABASE_VERSION")


def set_database_version(description: str) -> None:
    """Figures that talk to the database record what answered (FerretDB or MongoDB)."""
    global _DATABASE
    _DATABASE = description


async def detect_database(client: Any) -> str:
    info = await client.admin.command("buildInfo")
    described = _database_version() if "ferretdbVersion" in info else f"MongoDB {info['version']}"
    set_database_version(described)
    return described


def versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "fastapi": _version("fastapi"),
        "uvicorn": _version("uvicorn"),
        "httpx": _version("httpx"),
        "aiokafka": _version("aiokafka"),
        "pymongo": _version("pymongo"),
        "kafka broker": _kafka_version(),
        "database": _DATABASE or _database_version(),
    }


def machine() -> dict[str, Any]:
    pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return {
        "cores": os.cpu_count(),
        "memory": f"{pages * page_size / 2**30:.1f} GiB",
        "load generator": LOAD_GENERATOR,
        "load average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
    }


def write_result(result: Result, name: str | None = None) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name or result.id}.json"
    path.write_text(json.dumps(result.document(), indent=2, ensure_ascii=False) + "\n")
    return path


def write_baselines(results: Sequence[Result], name: str = "baselines") -> Path:
    """`baselines.json` (or `<name>.json`): every raw figure of this run, each with its rounds."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    doc = {
        "id": name,
        "figures": [r.document() for r in results],
        "versions": versions(),
        "machine": machine(),
        "at": utc_now(),
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return path


def rows_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows of one result file (a figure, or the list inside `baselines.json`)."""
    return list(doc["figures"]) if "figures" in doc else [doc]


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if value == 0 or abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def print_table(rows: Sequence[dict[str, Any]], out: Any = None) -> None:
    out = out or sys.stdout
    headers = ("id", "value", "unit", "baseline", "ratio", "goal", "met")
    table = [[fmt(r.get(h)) for h in headers] for r in rows]
    widths = [
        max(len(h), *(len(row[i]) for row in table)) if table else len(h)
        for i, h in enumerate(headers)
    ]
    print(f"load generator {LOAD_GENERATOR}; {os.cpu_count()} cores", file=out)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)), file=out)

"""`uv run python -m bench.run [NAME]`: every figure, or one (`G3`, `g3`, `baselines`).

Figures are the `bench/g<n>*.py` (goals) and `bench/h<n>*.py` (history) modules exposing
`run()`; they are found, not listed, so a new figure plugs in by existing. `SCALE` (the
replica-scaling simulation, `bench/scale_replicas.py`) is listed, and runs last. The exit
status is 0 when every benchmark ran, whatever the figures say (a missed goal is a reported
result, not a failure); 1 when one crashed.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench.harness import BENCH_DIR, RESULTS_DIR, print_table, rows_of

FIGURE = re.compile(r"^([gh])(\d+)(?:_\w+)?$")


def discover() -> dict[str, str]:
    """Benchmark name (`baselines`, `G3`, ...) -> module, in the order they run."""
    found: list[tuple[str, int, str, str]] = []
    for path in BENCH_DIR.glob("[gh]*.py"):
        match = FIGURE.match(path.stem)
        if match:
            letter, number = match.group(1), int(match.group(2))
            found.append((letter, number, f"{letter.upper()}{number}", f"bench.{path.stem}"))
    found.sort()
    fixed = {"baselines": "bench.baselines", "database": "bench.database"}
    simulations = {"SCALE": "bench.scale_replicas"}
    return {**fixed, **{name: module for _, _, name, module in found}, **simulations}


def select(name: str | None, available: dict[str, str]) -> dict[str, str]:
    if not name:
        return available
    wanted = name.strip()
    for key, module in available.items():
        if wanted.lower() in (key.lower(), module.lower(), module.rsplit(".", 1)[1].lower()):
            return {key: module}
    raise SystemExit(f"unknown benchmark {name!r}; known: {', '.join(available)}")


def run_one(module_name: str) -> bool:
    module = importlib.import_module(module_name)
    run = getattr(module, "run", None)
    if not callable(run):
        print(f"{module_name}: no run(), skipped")
        return True
    outcome = run()
    if inspect.isawaitable(outcome):
        asyncio.run(outcome)  # type: ignore[arg-type]
    return True


def written_since(started: float, names: list[str]) -> list[dict[str, Any]]:
    """Rows of the result files these benchmarks wrote during this run (`G3.json`,
    `G3_*.json`, `baselines.json`); files other runs write meanwhile are left out."""
    rows: list[dict[str, Any]] = []
    if not RESULTS_DIR.exists():
        return rows
    for path in sorted(RESULTS_DIR.glob("*.json"), key=_order):
        ours = any(path.stem == n or path.stem.startswith(f"{n}_") for n in names)
        if ours and path.stat().st_mtime >= started:
            rows.extend(rows_of(json.loads(path.read_text())))
    return rows


def _order(path: Path) -> tuple[str, int, str]:
    match = re.match(r"^([GH])(\d+)", path.stem)
    return (match.group(1), int(match.group(2)), path.stem) if match else ("", -1, path.stem)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    chosen = select(args[0] if args else None, discover())
    started = time.time() - 1
    failed: list[str] = []
    for name, module in chosen.items():
        print(f"== {name} ({module})", flush=True)
        try:
            run_one(module)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    print()
    print_table(written_since(started, list(chosen)))
    if failed:
        print(f"benchmarks that crashed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

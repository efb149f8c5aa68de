"""`make schemas`: writes the JSON Schema of every registered event version to `schemas/`.

CI regenerates into a temporary folder and fails on any difference with the committed files.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
from pathlib import Path

from orga_shared.events.registry import EVENTS, EventRegistry

SERVICES = ("identity", "organisation", "campaign", "assessment", "analytics", "web")


def load_service_events() -> None:
    for name in ("orga_shared.contracts", *(f"{s}.domain.events" for s in SERVICES)):
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            found = None
        if found is not None:
            importlib.import_module(name)


def render(registry: EventRegistry) -> dict[str, str]:
    files = {}
    for model in registry:
        schema = model.model_json_schema()
        schema["$id"] = f"orga:{model.event_type}:v{model.schema_version}"
        schema["title"] = model.event_type
        schema["x-schema-version"] = model.schema_version
        files[f"{model.event_type}.v{model.schema_version}.json"] = (
            json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="schemas", type=Path)
    parser.add_argument("--check", action="store_true", help="fail if --out differs")
    args = parser.parse_args(argv)
    load_service_events()
    problems = EVENTS.check()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    files = render(EVENTS)
    out: Path = args.out
    existing = {p.name for p in out.glob("*.json")} if out.exists() else set()
    if args.check:
        stale = sorted(existing - set(files))
        changed = sorted(
            n for n, t in files.items() if not (out / n).exists() or (out / n).read_text() != t
        )
        if stale or changed:
            print(
                f"schemas/ is out of date: changed {changed}, stale {stale}. Run make schemas.",
                file=sys.stderr,
            )
            return 1
        print(f"schemas: {len(files)} event versions up to date")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name in existing - set(files):
        (out / name).unlink()
    for name, text in files.items():
        (out / name).write_text(text)
    print(f"schemas: wrote {len(files)} event versions to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

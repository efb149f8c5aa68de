"""Command line of the analytics service.

    orga-analytics serve [--host H] [--port P]
    orga-analytics replay [--until 2026-10-01T00:00Z] [--batch-size N]
    orga-analytics generations

`replay` rebuilds the projections into a new generation and switches to it (or, with
`--until`, builds an as-of generation); `generations` lists them (ADR 0016).
"""

import sys

from analytics.config import Settings
from orga_shared.cli import serve_main


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("replay", "generations"):
        from analytics.entrypoints import replay

        return replay.main(argv)
    return serve_main("analytics.entrypoints.http:create_app", Settings, argv)


if __name__ == "__main__":
    raise SystemExit(main())

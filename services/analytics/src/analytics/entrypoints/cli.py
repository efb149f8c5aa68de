"""Command line of the analytics service: `orga-analytics serve`."""

from analytics.config import Settings
from orga_shared.cli import serve_main


def main() -> int:
    return serve_main("analytics.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

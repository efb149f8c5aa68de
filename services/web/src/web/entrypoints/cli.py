"""Command line of the web UI: `orga-web serve`."""

from orga_shared.cli import serve_main
from web.config import Settings


def main() -> int:
    return serve_main("web.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

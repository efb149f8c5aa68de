"""Command line of the organisation service: `orga-organisation serve`."""

from orga_shared.cli import serve_main
from organisation.config import Settings


def main() -> int:
    return serve_main("organisation.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

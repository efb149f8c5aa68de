"""Command line of the assessment service: `orga-assessment serve`."""

from assessment.config import Settings
from orga_shared.cli import serve_main


def main() -> int:
    return serve_main("assessment.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

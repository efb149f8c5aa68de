"""Command line of the assessment service: `orga-assessment serve`."""

from orga_shared.cli import serve_main

from assessment.config import Settings


def main() -> int:
    return serve_main("assessment.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

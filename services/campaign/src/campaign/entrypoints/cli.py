"""Command line of the campaign service: `orga-campaign serve`."""

from orga_shared.cli import serve_main

from campaign.config import Settings


def main() -> int:
    return serve_main("campaign.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

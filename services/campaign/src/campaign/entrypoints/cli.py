"""Command line of the campaign service: `orga-campaign serve`."""

from campaign.config import Settings
from orga_shared.cli import serve_main


def main() -> int:
    return serve_main("campaign.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

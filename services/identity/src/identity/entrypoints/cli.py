"""Command line of the identity service: `orga-identity serve`."""

from orga_shared.cli import serve_main

from identity.config import Settings


def main() -> int:
    return serve_main("identity.entrypoints.http:create_app", Settings)


if __name__ == "__main__":
    raise SystemExit(main())

"""The Protocols web's use cases are written against; `adapters/` holds the real ones."""

from __future__ import annotations

from typing import Protocol


class Upstreams(Protocol):
    """The services whose HTTP APIs the pages are rendered from."""

    async def health(self) -> dict[str, str]:
        """Each service by name: `ok`, or `error: …` when its `/health` does not answer 200."""
        ...

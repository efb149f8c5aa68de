"""The services' `/health` over HTTP, probed all at once with a short timeout."""

from __future__ import annotations

import asyncio

import httpx


class HttpUpstreams:
    def __init__(self, urls: dict[str, str], timeout: float = 2.0) -> None:
        self.urls = urls
        self.timeout = timeout

    async def health(self) -> dict[str, str]:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            results = await asyncio.gather(*(_probe(client, u) for u in self.urls.values()))
        return dict(zip(self.urls, results, strict=True))


async def _probe(client: httpx.AsyncClient, url: str) -> str:
    try:
        response = await client.get(f"{url}/health")
        return "ok" if response.status_code == 200 else f"error: HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        return f"error: {type(exc).__name__}"

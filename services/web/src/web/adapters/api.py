"""The services' HTTP APIs as the pages call them: one pooled client, the user's bearer token,
and every refusal turned into an `ApiRefusal` carrying the service's `code`, French `message`
and `field` (docs/architecture.md: error bodies), so a page can show it beside that field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

UNREACHABLE = "Le service est momentanément indisponible : réessayez dans quelques instants."


@dataclass
class ApiRefusal(Exception):
    """A 4xx/5xx from a service (or no answer at all: `status` 503, code `UNAVAILABLE`)."""

    status: int
    code: str
    message: str
    field: str | None = None
    retry_after: int | None = None
    errors: tuple[tuple[str | None, str], ...] = ()
    """Every `(field, message)` when the service listed several (a form with many mistakes)."""
    body: dict[str, Any] | None = None
    """The whole error body (an import's per-line `errors`, an invitation's `invalid`)."""

    def detail(self, key: str) -> Any:
        """A member of the whole error body (`errors`, `invalid`), or None."""
        return (self.body or {}).get(key)

    def by_field(self) -> tuple[dict[str, str], str | None]:
        """Each field's first message, and the message naming no field (for an alert)."""
        fields: dict[str, str] = {}
        general = None if self.field else self.message
        for field, message in self.errors or ((self.field, self.message),):
            if field:
                fields.setdefault(field, message)
            elif general is None:
                general = message
        if self.field:
            fields.setdefault(self.field, self.message)
        return fields, general

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any

    def json(self) -> Any:
        return self.body


def refusal(response: httpx.Response) -> ApiRefusal:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    retry = response.headers.get("Retry-After")
    listed = body.get("errors") if isinstance(body.get("errors"), list) else []
    errors = tuple(
        (e.get("field"), str(e.get("message") or ""))
        for e in listed
        if isinstance(e, dict) and e.get("message")
    )
    return ApiRefusal(
        status=response.status_code,
        code=str(body.get("code") or f"HTTP_{response.status_code}"),
        message=str(body.get("message") or UNREACHABLE),
        field=body.get("field"),
        retry_after=int(retry) if retry and retry.isdigit() else None,
        errors=errors,
        body=body,
    )


class Api:
    """`await api.call("assessment", "GET", "/me/profile", token=...)` → `Reply` or raises."""

    def __init__(self, urls: dict[str, str], timeout: float = 10.0) -> None:
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self._client = httpx.AsyncClient(
            timeout=timeout, limits=httpx.Limits(max_connections=200, max_keepalive_connections=50)
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
        files: Any = None,
        timeout: float | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        try:
            response = await self._client.request(
                method,
                f"{self.urls[service]}{path}",
                json=json,
                params=params,
                headers=sent,
                files=files,
                **({"timeout": timeout} if timeout else {}),
            )
        except httpx.HTTPError as exc:
            raise ApiRefusal(503, "UNAVAILABLE", UNREACHABLE) from exc
        if response.status_code >= 400:
            raise refusal(response)
        if response.status_code == 204 or not response.content:
            return Reply(response.status_code, None)
        content_type = response.headers.get("content-type", "")
        body = response.json() if "json" in content_type else response.content
        return Reply(response.status_code, body)

    async def stream(
        self, service: str, path: str, *, token: str | None, params: Any = None
    ) -> httpx.Response:
        """An open streamed GET (CSV exports): the caller relays and closes it."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = self._client.build_request(
            "GET", f"{self.urls[service]}{path}", headers=headers, params=params
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise ApiRefusal(503, "UNAVAILABLE", UNREACHABLE) from exc
        if response.status_code >= 400:
            await response.aread()
            await response.aclose()
            raise refusal(response)
        return response

"""Reading an uploaded file with a hard size cap, before anything is parsed.

The body is counted while it streams in: a declared or actual size over the limit is a 413
with a French message, so a 2 GB upload never sits in memory. The file may come raw (any
content type) or as the `file` field of a multipart form (the web UI's upload form).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from orga_shared.http.errors import ApiError

MULTIPART_OVERHEAD = 64 * 1024
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
"""The body the import routes read (declared by hand: they stream it under a size cap)."""


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "FILE_TOO_LARGE",
        f"Le fichier dépasse la taille maximale autorisée ({limit // (1024 * 1024)} Mo).",
        "file",
    )


async def read_upload(request: Request, limit: int) -> bytes:
    ceiling = limit + MULTIPART_OVERHEAD
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > ceiling:
        raise too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > ceiling:
            raise too_large(limit)
    data = bytes(body)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        data = await _file_field(request, data)
    if len(data) > limit:
        raise too_large(limit)
    if not data:
        raise ApiError(422, "FILE_REQUIRED", "Aucun fichier n'a été reçu.", "file")
    return data


async def _file_field(request: Request, body: bytes) -> bytes:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(request.headers, stream(), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException:
        raise ApiError(422, "INVALID_FORM", "Le formulaire d'envoi est mal formé.") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(422, "FILE_REQUIRED", "Aucun fichier n'a été reçu.", "file")
    try:
        return await upload.read()
    finally:
        await form.close()

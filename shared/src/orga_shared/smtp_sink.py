"""Local SMTP sink: keeps every e-mail the services send, so a demo user can read them.

    uv run python -m orga_shared.smtp_sink --port 2525 --dir .local/mail [--http-port 8025]
    uv run python -m orga_shared.smtp_sink --dir .local/mail --list
    uv run python -m orga_shared.smtp_sink --dir .local/mail --show 3

Each message is stored as `<time>-<id>.eml` and summarised as one JSON line in `index.jsonl`;
the optional read-only web inbox lists them and shows each one with clickable links (the
invitation link is how a demo user joins an organisation). Nothing is ever relayed: this is
the local stand-in for the academy's SMTP relay, and tests use it as the real SMTP server.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from orga_shared.ports import free_port

INDEX = "index.jsonl"
_SAFE_NAME = re.compile(r"^[0-9A-Za-z._-]+\.eml$")
_URL = re.compile(r"https?://[^\s<>\"']+")


class MailStore:
    """The sink's folder: `.eml` files plus an append-only JSON-lines index."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def save(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> dict[str, Any]:
        received = datetime.now(UTC)
        name = f"{received.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}.eml"
        (self.directory / name).write_bytes(raw)
        headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        entry = {
            "file": name,
            "received_at": received.isoformat(),
            "from": mail_from,
            "to": rcpt_tos,
            "subject": str(headers.get("Subject", "")),
        }
        with self._lock, (self.directory / INDEX).open("a", encoding="utf-8") as index:
            index.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return entry

    def entries(self) -> list[dict[str, Any]]:
        path = self.directory / INDEX
        if not path.exists():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def message(self, name: str) -> EmailMessage:
        if not _SAFE_NAME.match(name):
            raise FileNotFoundError(name)
        raw = (self.directory / name).read_bytes()
        parsed: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
        return parsed

    def messages(self) -> list[EmailMessage]:
        """Every message received, oldest first."""
        return [self.message(e["file"]) for e in self.entries()]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose recipients include `address`."""
        return [self.message(e["file"]) for e in self.entries() if address in e["to"]]

    def text(self, name: str) -> str:
        """The plain-text body of a stored message (what a reader needs)."""
        message = self.message(name)
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.store.save(raw, str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos])
        return "250 Message accepted for delivery"


class SmtpSink:
    """The SMTP server on its own thread; `start()` returns once it accepts connections."""

    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.store = MailStore(directory)
        self.host = host
        self.port = port or free_port(host)
        self._controller = Controller(_Handler(self.store), hostname=host, port=self.port)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def _linkify(text: str) -> str:
    escaped = html.escape(text)
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


def _inbox_handler(store: MailStore) -> type[BaseHTTPRequestHandler]:
    class Inbox(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = unquote(self.path.split("?", 1)[0])
            if path in ("/", "/index.html"):
                self._page("Boîte de réception locale", self._list())
            elif path == "/index.json":
                self._send(200, "application/json", json.dumps(store.entries()).encode())
            elif path.startswith("/messages/"):
                name = path.removeprefix("/messages/")
                try:
                    message = store.message(name)
                    body = store.text(name)
                except (FileNotFoundError, OSError):
                    self._send(404, "text/plain; charset=utf-8", b"Message introuvable")
                    return
                header = "".join(
                    f"<dt>{k}</dt><dd>{html.escape(str(message.get(k, '')))}</dd>"
                    for k in ("From", "To", "Date", "Subject")
                )
                self._page(
                    str(message.get("Subject", "")),
                    f'<p><a href="/">← retour</a></p><dl>{header}</dl><pre>{_linkify(body)}</pre>',
                )
            else:
                self._send(404, "text/plain; charset=utf-8", b"Introuvable")

        def _list(self) -> str:
            rows = "".join(
                f"<tr><td>{html.escape(e['received_at'][:19].replace('T', ' '))}</td>"
                f"<td>{html.escape(', '.join(e['to']))}</td>"
                f'<td><a href="/messages/{html.escape(e["file"])}">'
                f"{html.escape(e['subject'] or '(sans objet)')}</a></td></tr>"
                for e in reversed(store.entries())
            )
            return (
                "<table><tr><th>Reçu (UTC)</th><th>Destinataires</th><th>Objet</th></tr>"
                f"{rows}</table>"
            )

        def _page(self, title: str, content: str) -> None:
            page = (
                f'<!doctype html><html lang="fr"><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title><body><h1>{html.escape(title)}</h1>"
                f"{content}</body></html>"
            )
            self._send(200, "text/html; charset=utf-8", page.encode())

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Inbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local SMTP sink with a read-only inbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", type=Path, default=Path(".local/mail"))
    parser.add_argument("--http-port", type=int, default=None, help="serve the web inbox")
    parser.add_argument("--list", action="store_true", help="print the received messages")
    parser.add_argument("--show", type=int, default=None, help="print message N of --list")
    args = parser.parse_args(argv)
    store = MailStore(args.dir)
    if args.list or args.show is not None:
        entries = store.entries()
        if args.show is not None:
            if not 1 <= args.show <= len(entries):
                print(f"pas de message n°{args.show} ({len(entries)} reçus)")
                return 1
            entry = entries[args.show - 1]
            print(f"À : {', '.join(entry['to'])}\nObjet : {entry['subject']}\n")
            print(store.text(entry["file"]))
            return 0
        for number, entry in enumerate(entries, start=1):
            print(
                f"{number:4d}  {entry['received_at'][:19]}  {', '.join(entry['to'])}  "
                f"{entry['subject']}"
            )
        return 0
    sink = SmtpSink(args.dir, args.host, args.port).start()
    print(f"smtp_sink: SMTP on {args.host}:{args.port}, mail kept in {args.dir}", flush=True)
    try:
        if args.http_port:
            server = ThreadingHTTPServer((args.host, args.http_port), _inbox_handler(store))
            print(f"smtp_sink: inbox on http://{args.host}:{args.http_port}/", flush=True)
            server.serve_forever()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One transport interface for HL7 v2, with two adapters: a file drop (a folder the lab's
interface engine reads and writes) and MLLP over TCP (start byte 0x0B, end bytes 0x1C 0x0D).

`send(text) -> ack text or ""` delivers one message; a receiver hands each incoming message
(bytes) to a handler that returns the ACK text to answer with."""

from __future__ import annotations

import os
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from medassist.orders.hl7 import MLLP_END, MLLP_START, HL7Error, read_messages
from medassist.orders.ingest import receive

Handler = Callable[[bytes], str]
MAX_FRAME = 10 * 1024 * 1024


class Transport(Protocol):
    def send(self, text: str) -> str: ...


class FileDrop:
    """Outgoing messages are written to `outbox` (atomically: a temporary name, then renamed);
    `poll(handler)` reads every file in `inbox`, writes the handler's ACK next to the
    outbox, and moves the file to `inbox/done/` (or `inbox/failed/` if the handler raised)."""

    def __init__(self, outbox: str | Path, inbox: str | Path | None = None) -> None:
        self.outbox = Path(outbox)
        self.inbox = Path(inbox) if inbox else None

    def send(self, text: str) -> str:
        self.outbox.mkdir(parents=True, exist_ok=True)
        name = _control_id(text) or "message"
        final = self.outbox / f"{_safe(name)}.hl7"
        tmp = final.with_suffix(".tmp")
        tmp.write_bytes(text.encode("utf-8"))
        os.replace(tmp, final)
        return ""  # a file drop answers later, by a file of its own

    def poll(self, handler: Handler) -> int:
        if self.inbox is None or not self.inbox.is_dir():
            return 0
        done = self.inbox / "done"
        failed = self.inbox / "failed"
        done.mkdir(exist_ok=True)
        failed.mkdir(exist_ok=True)
        count = 0
        for path in sorted(p for p in self.inbox.iterdir() if _ready(p)):
            data = path.read_bytes()
            try:
                ack = handler(data)
            except Exception:  # noqa: BLE001 - keep the file for a person to look at
                os.replace(path, failed / path.name)
                continue
            if ack:
                self.outbox.mkdir(parents=True, exist_ok=True)
                (self.outbox / f"ACK-{path.stem}.hl7").write_bytes(ack.encode("utf-8"))
            os.replace(path, done / path.name)
            count += 1
        return count


def _ready(path: Path) -> bool:
    """A whole file: not one still being written under a temporary or hidden name."""
    return path.is_file() and not path.name.startswith(".") and path.suffix not in (".tmp", ".part")


def _control_id(text: str) -> str:
    try:
        return read_messages(text)[0].control_id
    except HL7Error:
        return ""


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:100]


def frame(text: str) -> bytes:
    return MLLP_START + text.encode("utf-8") + MLLP_END + b"\r"


def read_frame(sock_file) -> bytes | None:
    """One MLLP frame from a binary stream (None at end of stream)."""
    buf = bytearray()
    started = False
    while True:
        ch = sock_file.read(1)
        if not ch:
            return None
        if not started:
            if ch == MLLP_START:
                started = True
            continue
        if ch == MLLP_END:
            sock_file.read(1)  # the trailing carriage return
            return bytes(buf)
        buf += ch
        if len(buf) > MAX_FRAME:
            raise ValueError("MLLP frame too large")


class MLLPClient:
    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def send(self, text: str) -> str:
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
            sock.sendall(frame(text))
            with sock.makefile("rb") as f:
                reply = read_frame(f)
        return reply.decode("utf-8", "replace") if reply else ""


class _MLLPHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        handler: Handler = self.server.hl7_handler  # type: ignore[attr-defined]
        while True:
            try:
                data = read_frame(self.rfile)
            except ValueError:
                return
            if data is None:
                return
            ack = handler(data)
            self.wfile.write(frame(ack))
            self.wfile.flush()


class MLLPServer(socketserver.ThreadingTCPServer):
    """Listens for MLLP frames; each frame goes to `handler`, whose ACK is sent back."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, handler: Handler) -> None:
        super().__init__((host, port), _MLLPHandler)
        self.hl7_handler = handler

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread

    @property
    def port(self) -> int:
        return self.server_address[1]


def ingest_handler(actor) -> Handler:
    """A handler that files results as `actor` (an interface account) and answers the ACK."""

    def handle(data: bytes) -> str:
        outcomes = receive(actor=actor, data=data)
        return outcomes[0].ack if outcomes else ""

    return handle

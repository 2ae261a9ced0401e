"""The result listener behind `medassist hl7-listen`: an MLLP server and/or drop folders,
each message filed through `orders.ingest.receive` as the interface account and answered
with its ACK; one log line per message, without PHI (source, type, control id, outcome,
results filed, ACK code)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.db import close_old_connections, connection

from medassist.orders.connections import lab_folders
from medassist.orders.hl7 import HL7Error, read_messages
from medassist.orders.ingest import receive
from medassist.orders.models import PerformingLab, Transport
from medassist.orders.transport import FileDrop, MLLPServer
from medassist.practice.models import User
from medassist.practice.roles import staff_clinic

Log = Callable[[str], None]


def _ack_code(ack: str) -> str:
    try:
        msa = read_messages(ack)[0].first("MSA")
        return msa.msa_1.to_er7() if msa is not None else ""
    except (HL7Error, ValueError, IndexError):
        return ""


def _message_type(data: bytes) -> str:
    try:
        return read_messages(data)[0].type
    except (HL7Error, ValueError, IndexError):
        return "?"


class _Server(MLLPServer):
    """MLLPServer whose connection threads give back their database connection."""

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            connection.close()


class Listener:
    def __init__(
        self,
        *,
        actor: User,
        log: Log,
        host: str = "127.0.0.1",
        port: int | None = None,
        folders: list[Path] | None = None,
        labs: bool = False,
        interval: float = 2.0,
    ) -> None:
        self.actor, self.log, self.interval = actor, log, interval
        self.host, self.port = host, port
        self.folders: list[tuple[str, FileDrop]] = [
            (str(f), FileDrop(Path(f) / "out", Path(f) / "in")) for f in folders or []
        ]
        self.labs = labs
        self.drops = self._drops()
        self.server: MLLPServer | None = None
        self.stopping = threading.Event()
        self.count = 0
        self._lock = threading.Lock()

    def _drops(self) -> list[tuple[str, FileDrop]]:
        """The folders, and (with `labs`) every file-drop lab's, read again on each pass so a
        lab connected on *Lab connections* is picked up without a restart."""
        drops = list(self.folders)
        if self.labs:
            for lab in PerformingLab.objects.filter(
                clinic=staff_clinic(self.actor), transport=Transport.FILE, active=True
            ):
                out, inbox = lab_folders(lab)
                drops.append((lab.code, FileDrop(out, inbox)))
        return drops

    def handler(self, source: str) -> Callable[[bytes], str]:
        def handle(data: bytes) -> str:
            close_old_connections()
            kind = _message_type(data)
            try:
                outcomes = receive(actor=self.actor, data=data)
            except Exception:
                self._line(source, kind, "", "failed", 0, "")
                raise
            for o in outcomes:
                self._line(source, kind, o.control_id, o.state, o.results, _ack_code(o.ack))
            return outcomes[0].ack if outcomes else ""

        return handle

    def _line(self, source, kind, control_id, state, results, ack) -> None:
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            self.count += 1
            self.log(
                f"{at} hl7-listen {source} {kind} control_id={control_id or '-'} {state} "
                f"results={results} ack={ack or '-'}"
            )

    def start(self) -> None:
        if self.port is not None:
            self.server = _Server(self.host, self.port, self.handler("mllp"))
            self.server.start()
            self.log(f"hl7-listen: MLLP on {self.host}:{self.server.port}")
        for name, drop in self.drops:
            self.log(f"hl7-listen: watching {drop.inbox} (ACKs to {drop.outbox}) for {name}")

    def poll_once(self) -> int:
        n = 0
        if self.labs:
            close_old_connections()
            known = {name for name, _ in self.drops}
            self.drops = self._drops()
            for name, drop in self.drops:
                if name not in known:
                    self.log(f"hl7-listen: watching {drop.inbox} for {name}")
        for name, drop in self.drops:
            if drop.inbox is not None:
                drop.inbox.mkdir(parents=True, exist_ok=True)
            n += drop.poll(self.handler(f"file:{name}"))
        return n

    def run(self) -> None:
        """Poll the folders until `stop()`; the MLLP server runs in its own threads."""
        self.start()
        try:
            while not self.stopping.is_set():
                self.poll_once()
                self.stopping.wait(self.interval)
        finally:
            self.close()

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        self.log(f"hl7-listen: stopped after {self.count} message(s)")

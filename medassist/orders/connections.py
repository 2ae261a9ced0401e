"""How orders reach each performing lab: a file-drop folder (under MEDASSIST_HL7_DIR, with
out/ for our orders and in/ for the lab's results) or MLLP to a host and port, set by the
clinic admin on *Lab connections*; and the transport object for a lab."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import NotFound, ValidationFailed
from medassist.orders.models import PerformingLab, Transport
from medassist.orders.outbound import STRUCTURES
from medassist.orders.transport import FileDrop, MLLPClient
from medassist.practice.models import User
from medassist.practice.roles import require

FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}(/[A-Za-z0-9][A-Za-z0-9_-]{0,59}){0,3}$")
HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$"
)  # noqa: E501
MLLP_TIMEOUT = 15.0


def hl7_root() -> Path:
    return Path(settings.MEDASSIST_HL7_DIR)


def lab_folders(lab: PerformingLab) -> tuple[Path, Path]:
    """(out, in) of a file-drop lab."""
    base = hl7_root() / lab.drop_folder
    return base / "out", base / "in"


def transport_for(lab: PerformingLab) -> FileDrop | MLLPClient | None:
    """The transport orders for `lab` go through, or None when it is not connected."""
    if lab.transport == Transport.FILE and lab.drop_folder:
        out, inbox = lab_folders(lab)
        return FileDrop(out, inbox)
    if lab.transport == Transport.MLLP and lab.mllp_host and lab.mllp_port:
        return MLLPClient(lab.mllp_host, lab.mllp_port, timeout=MLLP_TIMEOUT)
    return None


def describe(lab: PerformingLab) -> str:
    """The connection in plain words."""
    if lab.transport == Transport.FILE:
        return f"file drop {lab.drop_folder}/out (results from {lab.drop_folder}/in)"
    if lab.transport == Transport.MLLP:
        return f"MLLP to {lab.mllp_host}:{lab.mllp_port}"
    return "not connected: orders go on paper"


@transaction.atomic
def lab_connection_set(
    *,
    actor: User,
    lab: PerformingLab,
    transport: str,
    drop_folder: str = "",
    mllp_host: str = "",
    mllp_port: str | int | None = None,
    message_type: str = "OML^O21",
) -> PerformingLab:
    """Set how orders reach `lab`. A file-drop folder is a relative name under
    MEDASSIST_HL7_DIR (never an arbitrary path); it is created with out/ and in/."""
    require(actor, "compendium.manage")
    if lab.clinic_id != actor.clinic_id:
        raise NotFound("No such lab.")
    if transport not in Transport.values:
        raise ValidationFailed("Choose a file drop, MLLP or not connected.", field="transport")
    if message_type not in STRUCTURES:
        raise ValidationFailed("Send OML^O21 or ORM^O01.", field="message_type")
    folder = (drop_folder or "").strip().rstrip("/")
    host = (mllp_host or "").strip()
    port: int | None = None
    if transport == Transport.FILE:
        if not FOLDER.match(folder):
            raise ValidationFailed(
                "Give the folder as a short name such as quest or labs/quest (letters, digits, "
                "- and _; it is kept under the HL7 folder).",
                field="drop_folder",
            )
        host = ""
    elif transport == Transport.MLLP:
        if not HOST.match(host):
            raise ValidationFailed("Give the lab's host name or IP address.", field="mllp_host")
        try:
            port = int(str(mllp_port).strip())
        except (TypeError, ValueError):
            port = 0
        if not 1 <= port <= 65535:
            raise ValidationFailed("Give a port between 1 and 65535.", field="mllp_port")
        folder = ""
    else:
        folder, host = "", ""
    before = describe(lab)
    lab.transport, lab.drop_folder, lab.mllp_host, lab.mllp_port = transport, folder, host, port
    lab.message_type = message_type
    if transport == Transport.FILE:
        for path in lab_folders(lab):
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValidationFailed(
                    f"The folder could not be made: {exc.strerror}.", field="drop_folder"
                ) from exc
    lab.stamp(actor)
    lab.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=lab,
        detail={"before": before, "after": describe(lab), "message_type": message_type},
    )
    return lab

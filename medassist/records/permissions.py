"""Chart permissions, kept here until the lead merges them into medassist.practice.roles.

Reading the chart uses the existing "patient.view"; recording vitals-like data uses
"vitals.record". These are the chart writes:
"""

from __future__ import annotations

from medassist.core.errors import PermissionDenied
from medassist.practice import roles
from medassist.practice.roles import AD, DR, FD, MA

CHART_PERMISSIONS: dict[str, frozenset[str]] = {
    # problems, allergies, NKA, medications, immunizations, histories, encounters,
    # procedures, observations: create / update / entered-in-error
    "chart.edit": frozenset({MA, DR}),
    # write and edit a draft note (and mark one's own draft entered-in-error)
    "note.write": frozenset({MA, DR}),
    # sign a note, amend a signed note, mark a signed note entered-in-error
    "note.sign": frozenset({DR}),
    # upload documents, edit their details, mark them entered-in-error
    "document.upload": frozenset({FD, MA, DR, AD}),
}


def can_chart(user, permission: str) -> bool:
    """Like roles.can, for both the shared table and the chart table above."""
    if permission in roles.PERMISSIONS:
        return roles.can(user, permission)
    if permission not in CHART_PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "clinic_id", None) is None:
        return False
    return user.role in CHART_PERMISSIONS[permission]


def require_chart(user, permission: str) -> None:
    if not can_chart(user, permission):
        role = getattr(user, "role", "") or "no role"
        raise PermissionDenied(
            f"Your role ({role.replace('_', ' ')}) may not do this ({permission}).",
            code="permission_denied",
        )

"""Reading the audit trail: the clinic admin's report (audit.view)."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Q, QuerySet

from medassist.audit.models import AuditEvent
from medassist.core.normalize import name_key


def patient_matches(term: str) -> Q:
    """Events about a patient whose MRN is `term`, or whose names start with each of its
    words ("reyes, jo", "jo reyes")."""
    words = [key for key in (name_key(w) for w in re.split(r"[\s,]+", term)) if key]
    by_name = Q()
    for key in words:
        by_name &= Q(patient__last_name_key__startswith=key) | Q(
            patient__first_name_key__startswith=key
        )
    return Q(patient__mrn__iexact=term.strip()) | (by_name if words else Q(pk__in=[]))


def audit_report(
    *,
    clinic_id: int,
    patient: str = "",
    username: str = "",
    action: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The clinic's events, newest first, with their patients (one query per page)."""
    qs = AuditEvent.objects.filter(clinic_id=clinic_id).select_related("patient")
    if patient.strip():
        qs = qs.filter(patient_matches(patient))
    if username:
        qs = qs.filter(actor_username=username)
    if action:
        qs = qs.filter(action=action)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-at", "-id")

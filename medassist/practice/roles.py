"""Roles and what each may do. One table, checked by every view and endpoint through `require`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from medassist.core.errors import PermissionDenied

if TYPE_CHECKING:
    from medassist.practice.models import Clinic, User


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", "Front desk"
    MEDICAL_ASSISTANT = "medical_assistant", "Medical assistant"
    PHYSICIAN = "physician", "Physician"
    BILLER = "biller", "Biller"
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"


FD = Role.FRONT_DESK
MA = Role.MEDICAL_ASSISTANT
DR = Role.PHYSICIAN
BI = Role.BILLER
AD = Role.CLINIC_ADMIN
ALL_STAFF = frozenset({FD, MA, DR, BI, AD})

PERMISSIONS: dict[str, frozenset[str]] = {
    # patients
    "patient.view": ALL_STAFF,
    "patient.register": frozenset({FD, AD}),
    "patient.edit": frozenset({FD, MA, AD}),
    "coverage.edit": frozenset({FD, BI, AD}),
    # schedule and visit flow
    "schedule.view": ALL_STAFF,
    "appointment.book": frozenset({FD, MA, AD}),
    "appointment.cancel": frozenset({FD, AD}),
    "appointment.no_show": frozenset({FD, AD}),
    "appointment.check_in": frozenset({FD, AD}),
    "appointment.room": frozenset({MA, DR}),
    "appointment.start_visit": frozenset({DR, MA}),
    "appointment.check_out": frozenset({FD, AD}),
    "board.view": frozenset({FD, MA, DR, AD}),
    "vitals.record": frozenset({MA, DR}),
    "vitals.view": frozenset({MA, DR, AD, FD}),
    "worklist.view": frozenset({DR}),
    "appointment.reschedule": frozenset({FD, MA, AD}),
    "appointment.double_book": frozenset({AD}),  # deliberate overbooking, flagged on the visit
    "appointment.outside_hours": frozenset(
        {FD, AD}
    ),  # book past the provider's hours, with a reason
    "schedule.manage": frozenset({AD}),  # availability templates, exceptions, holidays, resources
    "waitlist.manage": frozenset({FD, AD}),
    "recall.manage": frozenset({FD, MA, AD}),
    "reminder.view": frozenset({FD, AD}),
    "reminder.manage": frozenset({FD, AD}),  # retry a failed message, mark a reply handled
    # the chart: reading it is "patient.view"
    # problems, allergies, NKA, medications, immunizations, histories, encounters, procedures,
    # observations: create / update / entered-in-error
    "chart.edit": frozenset({MA, DR}),
    "note.write": frozenset({MA, DR}),  # write a draft note, mark one's own draft in error
    "note.sign": frozenset({DR}),  # sign, amend or mark a signed note in error
    "document.upload": frozenset({FD, MA, DR, AD}),
    "record.export": frozenset({FD, DR, AD}),  # patient right of access: Bundle and PDF
    # orders
    "order.view": frozenset({MA, DR, AD}),
    "order.sign": frozenset({DR}),  # sign lab/imaging/referral orders, cancel them
    "order.manage": frozenset({MA, DR}),  # send, record the outside appointment
    "specimen.collect": frozenset({MA, DR}),
    "result.receive": frozenset({MA, DR}),  # file HL7 results, work the unmatched queue
    "result.review": frozenset({DR}),  # review a result, tell the patient
    "poc.run": frozenset({MA, DR}),
    "poc.manage": frozenset({MA, AD}),  # kits, devices, daily QC
    "compendium.manage": frozenset({AD}),
    # intake: questionnaires (edit the clinic's own), answer on a patient's behalf, see scores
    # and alerts (staff only, never the patient), unlock a clinic tablet for self check-in
    "questionnaire.manage": frozenset({AD}),
    "questionnaire.answer": frozenset({FD, MA, DR}),
    "questionnaire.score_view": frozenset({MA, DR, AD}),
    "kiosk.unlock": frozenset({FD, MA, AD}),
    # practice set-up and oversight
    "practice.manage": frozenset({AD}),
    "audit.view": frozenset({AD}),
    # one's own account: password, two-step sign-in
    "account.own": ALL_STAFF,
    # break-the-glass: open time-boxed emergency access to a chart; review who did
    "emergency_access.open": frozenset({DR, MA}),
    "emergency_access.review": frozenset({AD}),
    # pharmacy: in-office stock, medication orders, dispensing/administration, refills
    # (giving, dispensing and injecting also need the task in scope: `practice.scope`)
    "stock.view": frozenset({MA, DR, AD}),
    "stock.manage": frozenset({MA, DR, AD}),  # receive, count, waste, return
    "medication.order": frozenset({DR}),
    "medication.give": frozenset({MA, DR}),  # dispense or administer against an order
    "refill.view": frozenset({FD, MA, DR, AD}),
    "refill.request": frozenset({FD, MA, DR, AD}),  # enter a request from any source
    "refill.prepare": frozenset({MA, DR}),  # run the protocol, prepare for the prescriber
    "refill.decide": frozenset({DR}),  # approve or deny
    "refill.tell": frozenset({FD, MA, DR}),  # record that the pharmacy was told the answer
    "handout.give": frozenset({MA, DR}),  # relay a clinician's change, record the talk
    # ecg: the MA records a tracing and sees whether it is technically acceptable; the
    # physician sees the measurements and flags and signs the tracing as reviewed
    "ecg.record": frozenset({MA, DR}),
    "ecg.review": frozenset({DR}),
    # the clinician co-signs a procedure the MA performed (records.services.procedures_ma)
    "procedure.cosign": frozenset({DR}),
    # billing
    "billing.view": frozenset({FD, BI, AD}),  # ledger, claims, statements, A/R, daily close
    "billing.setup": frozenset({BI, AD}),  # payer billing details, fee schedule, provider
    "billing.code": frozenset({DR, BI}),  # superbill: diagnoses and procedure lines
    "billing.claims": frozenset({BI, AD}),  # scrub, 837P batches, acknowledgements, remittance
    "billing.payments": frozenset({FD, BI, AD}),  # patient payments, copays, refunds
    # assistant
    "assistant.inbox": ALL_STAFF,  # the one staff inbox (clinician items: assistant.clinical)
    "assistant.clinical": frozenset({DR}),  # care-team questions from patients
    "assistant.manage": frozenset({AD}),  # the clinic's information text the assistant repeats
    "assistant.letters": frozenset({FD, MA, DR, AD}),  # outgoing letters from clinic templates
}

# Roles that must use two-step sign-in (an authenticator code after the password); a clinic may
# ask it of every role (`Clinic.mfa_for_all_staff`). Operators (superusers) always need it.
TWO_STEP_ROLES = frozenset({AD, BI})


def two_step_required(user: User) -> bool:
    """Whether this account must enrol an authenticator and enter its code at every sign-in."""
    if user.is_superuser or user.role in TWO_STEP_ROLES:
        return True
    clinic = user.clinic
    return clinic is not None and clinic.mfa_for_all_staff


def can(user, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "clinic_id", None) is None:
        return False
    return user.role in PERMISSIONS[permission]


def require(user, permission: str) -> None:
    """Raise PermissionDenied unless the user's role grants the permission."""
    if not can(user, permission):
        role = getattr(user, "role", "") or "no role"
        raise PermissionDenied(
            f"Your role ({role.replace('_', ' ')}) may not do this ({permission})."
        )


def staff_clinic(user: User) -> Clinic:
    """The clinic of a user `require` let through (it lets no one through without one)."""
    if user.clinic is None:
        raise PermissionDenied("Your account belongs to no clinic.")
    return user.clinic

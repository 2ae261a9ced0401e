"""Two-step sign-in: an authenticator app (TOTP, RFC 6238, through pyotp) and ten one-time
recovery codes, shown once and stored as SHA-256 hashes.

A staff member enrols themselves (a QR code to scan, then one code from the app to confirm it).
Clinic admins and billers must (`roles.two_step_required`); a clinic may ask it of everyone,
and a clinic admin may reset a colleague's enrolment when a phone is lost. Every change is
audited, never with a secret or a code."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import PermissionDenied
from medassist.practice.errors import TwoStepRequired, WrongCode
from medassist.practice.models import Clinic, RecoveryCode, TotpDevice, User
from medassist.practice.roles import two_step_required
from medassist.practice.services._common import apply, audit, check_manage, save

ISSUER = "medassist"
RECOVERY_CODES = 10
# A code from the step before or after now is accepted too (clocks drift a little).
DRIFT_STEPS = 1
# Recovery code letters: no 0/o, 1/l/i to misread (31 letters, 10 of them: ~50 random bits).
_CODE_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_plain_code(code).encode()).hexdigest()


def _plain_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes (xxxxx-xxxxx, 50 random bits each); the old ones stop working."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_CODE_LETTERS) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(c)) for c in codes]
    )
    return codes


def _check_self(actor: User) -> None:
    if not actor.is_active or actor.pk is None:
        raise PermissionDenied("Sign in first.")


def two_step_enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def provisioning_uri(device: TotpDevice) -> str:
    """The otpauth:// address the QR code holds (the secret, the account, the issuer)."""
    clinic = device.user.clinic
    issuer = f"{ISSUER} {clinic.name}" if clinic is not None else ISSUER
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name=issuer)


@transaction.atomic
def totp_enrolment_begin(*, actor: User) -> TotpDevice:
    """A new secret for the actor's authenticator, unconfirmed until `totp_enrolment_confirm`.
    An existing unconfirmed one is reused (the page may be reloaded); a confirmed one stays
    in force until the new one is confirmed."""
    _check_self(actor)
    device = TotpDevice.objects.filter(user=actor).first()
    if device is not None and device.confirmed_at is None:
        return device
    if device is not None:
        raise PermissionDenied(
            "Two-step sign-in is already on; turn it off or ask a clinic admin to reset it first."
        )
    return TotpDevice.objects.create(user=actor, secret=pyotp.random_base32())


def _matching_step(secret: str, code: str) -> int | None:
    code = _plain_code(code)
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(timezone.now())
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


@transaction.atomic
def totp_enrolment_confirm(*, actor: User, code: str) -> list[str]:
    """Confirm the authenticator with a code from it; returns the ten recovery codes, which
    are shown this once."""
    _check_self(actor)
    device = TotpDevice.objects.select_for_update().filter(user=actor).first()
    if device is None or device.confirmed_at is not None:
        raise WrongCode("Start again: open the set-up page to get a new QR code.", field="code")
    step = _matching_step(device.secret, code)
    if step is None:
        raise WrongCode(
            "That code does not match. Type the 6 digits your app shows now.", field="code"
        )
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = _new_recovery_codes(actor)
    audit(actor, actor, clinic=actor.clinic, two_step="enrolled", recovery_codes=len(codes))
    return codes


def second_step_verify(*, user: User, code: str) -> str | None:
    """Check a sign-in's second step: a code from the user's authenticator (each accepted once)
    or one of their unused recovery codes (then used up). Returns which it was, or None.
    The sign-in view counts failures (`practice.throttle`) and audits the outcome."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return None
    step = _matching_step(device.secret, code)
    if step is not None:
        # One UPDATE: a code replayed, even at the same instant, finds last_step already there.
        fresh = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
        return "authenticator" if fresh else None
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_recovery_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return "recovery_code" if used else None


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def recovery_codes_renew(*, actor: User) -> list[str]:
    """Ten new recovery codes for the actor (the old ones stop working), shown once."""
    _check_self(actor)
    if not two_step_enrolled(actor):
        raise PermissionDenied("Set up two-step sign-in first.")
    codes = _new_recovery_codes(actor)
    audit(actor, actor, clinic=actor.clinic, two_step="recovery codes renewed")
    return codes


@transaction.atomic
def two_step_turn_off(*, actor: User) -> None:
    """Stop using two-step sign-in, where the actor's role and clinic leave it optional."""
    _check_self(actor)
    if two_step_required(actor):
        raise TwoStepRequired(
            "Your role or your clinic requires two-step sign-in; it cannot be turned off."
        )
    TotpDevice.objects.filter(user=actor).delete()
    RecoveryCode.objects.filter(user=actor).delete()
    audit(actor, actor, clinic=actor.clinic, two_step="turned off")


@transaction.atomic
def staff_user_reset_two_step(*, actor: User, user: User) -> User:
    """A clinic admin removes a colleague's authenticator and recovery codes (a lost phone).
    Where two-step sign-in is required, they enrol again at their next sign-in."""
    check_manage(actor, user.clinic_id, "staff member")
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied("Only an operator may change an operator's account.")
    had = TotpDevice.objects.filter(user=user).delete()[0]
    RecoveryCode.objects.filter(user=user).delete()
    audit(actor, user, clinic=user.clinic, two_step="reset" if had else "reset (none enrolled)")
    return user


@transaction.atomic
def clinic_set_two_step_for_all(*, actor: User, clinic: Clinic, required: bool) -> Clinic:
    """Ask two-step sign-in of every role in the clinic (clinic admins and billers always need
    it). Staff without an authenticator are sent to set one up at their next sign-in."""
    check_manage(actor, clinic.pk, "clinic")
    changed = apply(clinic, {"mfa_for_all_staff": required})
    if changed:
        save(clinic, actor=actor)
        audit(actor, clinic, clinic=clinic, changed=changed)
    return clinic


def audit_sign_in(user: User, *, method: str) -> None:
    """The completed sign-in (password, then the second step where there is one)."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        object_type="practice.User",
        object_id=user.username,
        detail={"second_step": method} if method else {},
    )

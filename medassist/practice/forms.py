"""Sign-in and account forms. The password form is throttled (`practice.throttle`): the same
form serves the login page and the Django admin's login, so both count against one limit."""

from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.middleware import client_address
from medassist.practice import throttle
from medassist.practice.errors import Code
from medassist.practice.models import User
from medassist.practice.roles import Role


def locked_message(refusal: throttle.Refusal) -> str:
    wait = f"Try again in {refusal.minutes} minute{'s' if refusal.minutes != 1 else ''}"
    if refusal.key.startswith("address:"):
        return (
            f"Too many failed sign-ins from this network address. {wait}, or ask your clinic "
            "administrator for help."
        )
    return (
        f"Too many failed attempts: this account is locked for now. {wait}, or ask your "
        "clinic administrator for a password reset link."
    )


def _account(username: str) -> User | None:
    name = unicodedata.normalize("NFKC", username.strip())
    return User.objects.filter(username__iexact=name).select_related("clinic").first()


def audit_failure(username: str, *, step: str = "password", refused: bool = False) -> None:
    """One failed attempt (or one refused while locked), under the normalised username."""
    identity = throttle.normalised_identity(username)
    user = _account(username)
    detail: dict = {"locked": refused}
    if step != "password":
        detail["step"] = step
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type="practice.User",
        object_id=identity[:64],
        clinic=user.clinic if user else None,
        detail=detail,
    )


def audit_lock_if_new(key: str, limit: int, *, username: str, address: str) -> None:
    """The lock itself, once, when a failure brings a key to its limit."""
    until = throttle.newly_locked(key, limit)
    if until is None:
        return
    identity = throttle.normalised_identity(username)
    user = _account(username)
    scope = "address" if key.startswith("address:") else "account"
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type="practice.SignInLock",
        object_id=(address if scope == "address" else identity)[:64],
        clinic=user.clinic if user and scope == "account" else None,
        detail={"lock": scope, "failures": limit, "locked_until": until.isoformat()},
    )


class SignInForm(AuthenticationForm):
    """Django's login form behind the throttle: the attempt takes a turn on its client address
    and on its account before the password is checked at all."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        address = client_address(self.request) if self.request else ""
        keys = [
            (throttle.address_key(address), settings.MEDASSIST_LOGIN_ADDRESS_LIMIT),
            (throttle.account_key(username), settings.MEDASSIST_LOGIN_ACCOUNT_LIMIT),
        ]
        for key, limit in keys:
            refusal = throttle.take_turn(key, limit)
            if refusal is not None:
                audit_failure(username, refused=True)
                raise ValidationError(locked_message(refusal), code=Code.SIGN_IN_LOCKED)
        try:
            return super().clean()
        except ValidationError:
            audit_failure(username)
            for key, limit in keys:
                audit_lock_if_new(key, limit, username=username, address=address)
            raise
        finally:
            if self.user_cache is not None:
                throttle.give_back(keys[0][0])
                throttle.clear(keys[1][0])


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="Current password", widget=forms.PasswordInput)
    new_password1 = forms.CharField(label="New password", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="New password again", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "The two new passwords differ.")
        return data


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(label="New password", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="New password again", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "The two new passwords differ.")
        return data


class StaffChoiceField(forms.ChoiceField):
    """A staff member of the clinic, by public id (the choices are set by the view)."""


class CredentialForm(forms.Form):
    user = StaffChoiceField(label="Staff member")
    kind = forms.ChoiceField(label="Credential", choices=())
    number = forms.CharField(label="Number", required=False, max_length=40)
    issued_on = forms.DateField(
        label="Issued on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label="Expires on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, staff=(), **kwargs):
        from medassist.practice.models import StaffCredential

        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(str(u.public_id), u.display_name) for u in staff]
        self.fields["kind"].choices = StaffCredential.Kind.choices


class TrainingForm(forms.Form):
    user = StaffChoiceField(label="Staff member")
    task = forms.ChoiceField(label="Task", choices=())
    hours = forms.DecimalField(label="Hours", min_value=0, max_digits=6, decimal_places=2)
    supervised_procedures = forms.IntegerField(
        label="Procedures done under supervision", min_value=0
    )
    certificate = forms.CharField(
        label="Trainer's written certificate",
        required=False,
        max_length=200,
        help_text="Its reference, e.g. who signed it and when.",
    )
    trainer = forms.CharField(label="Trainer", required=False, max_length=200)
    completed_on = forms.DateField(
        label="Completed on", widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label="Lapses on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, staff=(), **kwargs):
        from medassist.practice.models import ScopeTask

        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(str(u.public_id), u.display_name) for u in staff]
        self.fields["task"].choices = ScopeTask.choices


class StaffForm(forms.Form):
    """A staff account as the clinic admin sees it: who, what role, where. Passwords are never
    typed here for someone else unless the admin chooses to; a reset link is the default."""

    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    location = forms.ChoiceField(label="Home location", required=False)
    active = forms.BooleanField(label="Active (may sign in)", required=False, initial=True)

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locations = {str(loc.public_id): loc for loc in locations}
        self.fields["location"].choices = [("", "No home location")] + [
            (pid, loc.name) for pid, loc in self.locations.items()
        ]

    def clean_location(self):
        value = self.cleaned_data.get("location") or ""
        return self.locations.get(value)

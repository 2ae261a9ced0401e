"""Scope of practice: may this staff member do this clinical task, here, now?

The answer comes from the staff member's role, credentials (CMA, RMA, NCMA, CCMA or none, with
expiry) and training records, and from the task rules of the clinic's state, shipped as data
in `practice/data/scope_rules.json` with their sources (California's medical assistant rules
and a default for every other state). Physicians are always allowed; a medical assistant is
allowed when the state's rule for the task is met; every other role is refused.

    task_refusal(actor, task, supervisor_present=...)  -> None, or the reason in plain words
    require_task(actor, task, supervisor_present=...)  -> raises ScopeRefused (`scope_refused`)

`supervisor_present` says whether a supervising physician is on the premises. Where the
state requires one for the task (California, for all five tasks), an MA is refused unless
it is True: the caller asks (a checkbox, the API's field) and records the answer on its own
record. None means "not asked". Call `require_task` in the service that does the act, before
writing anything; its refusal is audited (and kept even when the request is rolled back)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from medassist.audit.services import audit_refusal
from medassist.core.clock import clinic_today
from medassist.core.errors import PermissionDenied
from medassist.practice.models import (
    Clinic,
    Location,
    ScopeTask,
    StaffCredential,
    TrainingRecord,
    User,
)
from medassist.practice.roles import Role

Task = ScopeTask
TASKS: tuple[str, ...] = tuple(ScopeTask.values)
RULES_FILE = Path(__file__).parent / "data" / "scope_rules.json"
DEFAULT = "default"
EXPIRY_WARNING_DAYS = 60
_RULE_KEYS: dict[str, type | tuple[type, ...]] = {
    "allowed": bool,
    "credentials_any": list,
    "training_tasks": list,
    "min_hours": (int, float),
    "min_supervised_procedures": int,
    "certificate_required": bool,
    "supervisor_on_premises": bool,
    "citation": str,
}


class ScopeRefused(PermissionDenied):
    """The task is outside this staff member's scope of practice here; the message says why."""

    code = "scope_refused"


class ScopeRulesInvalid(Exception):
    """The scope rules file is malformed (a deployment error, not a user's)."""


@dataclass(frozen=True)
class Rule:
    jurisdiction: str  # "CA", or "default"
    jurisdiction_name: str
    task: str
    allowed: bool
    credentials_any: tuple[str, ...]
    training_tasks: tuple[str, ...]
    min_hours: Decimal
    min_supervised_procedures: int
    certificate_required: bool
    supervisor_on_premises: bool
    citation: str
    note: str = ""
    controlled_substances: bool = True
    sources: tuple[dict, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Qualification:
    """Whether a staff member qualifies for a task by role, credentials and training, before
    the moment's facts (is a supervisor on the premises?)."""

    user: User
    task: str
    qualified: bool
    reason: str | None  # why not, in plain words; None when qualified
    rule: Rule | None  # None for roles the rules don't concern (physicians, other roles)
    hours: Decimal = Decimal(0)
    supervised_procedures: int = 0

    @property
    def needs_supervisor(self) -> bool:
        return self.rule is not None and self.rule.supervisor_on_premises


def rules_path() -> Path:
    return Path(getattr(settings, "MEDASSIST_SCOPE_RULES_FILE", "") or RULES_FILE)


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScopeRulesInvalid(f"Cannot read the scope rules {path}: {exc}") from exc
    _check(data, path)
    return data


def _check(data: Any, path: str) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("jurisdictions"), dict):
        raise ScopeRulesInvalid(f"{path}: no 'jurisdictions' object.")
    if DEFAULT not in data["jurisdictions"]:
        raise ScopeRulesInvalid(f"{path}: no 'default' jurisdiction.")
    for code, jurisdiction in data["jurisdictions"].items():
        if code != DEFAULT and (len(code) != 2 or not code.isupper()):
            raise ScopeRulesInvalid(f"{path}: {code!r} is not a two-letter state code.")
        if not jurisdiction.get("sources"):
            raise ScopeRulesInvalid(f"{path}: {code} names no source.")
        rules = jurisdiction.get("rules", {})
        if code == DEFAULT and set(rules) != set(TASKS):
            raise ScopeRulesInvalid(f"{path}: the default must have a rule for every task.")
        for task, rule in rules.items():
            if task not in TASKS:
                raise ScopeRulesInvalid(f"{path}: {code} has a rule for unknown task {task!r}.")
            for key, kind in _RULE_KEYS.items():
                value = rule.get(key)
                if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
                    raise ScopeRulesInvalid(f"{path}: {code}/{task} needs {key!r} ({kind}).")
            if not set(rule["training_tasks"]) <= set(TASKS):
                raise ScopeRulesInvalid(f"{path}: {code}/{task} trains on an unknown task.")
            if not set(rule["credentials_any"]) <= set(StaffCredential.Kind.values):
                raise ScopeRulesInvalid(f"{path}: {code}/{task} names an unknown credential.")


def rules() -> dict[str, Any]:
    """The scope rules as shipped (or as MEDASSIST_SCOPE_RULES_FILE names)."""
    return _load(str(rules_path()))


def task_label(task: str) -> str:
    return rules().get("tasks", {}).get(task) or task.replace("_", " ")


def clinic_state(clinic: Clinic) -> str:
    """The clinic's state: its own, else the address of its first location that names one."""
    if clinic.state:
        return clinic.state.upper()
    location = (
        Location.objects.filter(clinic=clinic, active=True).exclude(state="").order_by("pk").first()
    )
    return location.state.upper() if location else ""


def rule_for(state: str, task: str) -> Rule:
    """The rule for a task in a state: the state's own, else the default."""
    _check_task(task)
    jurisdictions = rules()["jurisdictions"]
    code = state.upper() if state.upper() in jurisdictions else DEFAULT
    jurisdiction = jurisdictions[code]
    raw = jurisdiction.get("rules", {}).get(task)
    if raw is None:  # a state listing only some tasks: the default covers the rest
        code, jurisdiction = DEFAULT, jurisdictions[DEFAULT]
        raw = jurisdiction["rules"][task]
    return Rule(
        jurisdiction=code,
        jurisdiction_name=jurisdiction.get("name", code),
        task=task,
        allowed=raw["allowed"],
        credentials_any=tuple(raw["credentials_any"]),
        training_tasks=tuple(raw["training_tasks"]),
        min_hours=Decimal(str(raw["min_hours"])),
        min_supervised_procedures=raw["min_supervised_procedures"],
        certificate_required=raw["certificate_required"],
        supervisor_on_premises=raw["supervisor_on_premises"],
        citation=raw["citation"],
        note=raw.get("note", ""),
        controlled_substances=raw.get("controlled_substances", True),
        sources=tuple(jurisdiction.get("sources", ())),
    )


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(f"unknown scope task {task!r}; one of {', '.join(TASKS)}")


def _where(rule: Rule) -> str:
    return "this clinic's state" if rule.jurisdiction == DEFAULT else rule.jurisdiction_name


def _plural(n: Decimal | int, word: str) -> str:
    text = f"{n.normalize():f}" if isinstance(n, Decimal) else str(n)
    return f"{text} {word}{'' if n == 1 else 's'}"


def qualification(
    user: User,
    task: str,
    *,
    today: date | None = None,
    state: str | None = None,
    credentials: list[StaffCredential] | None = None,
    trainings: list[TrainingRecord] | None = None,
) -> Qualification:
    """Whether `user` qualifies for `task` by role, credentials and training (not by the
    moment's supervision), and why not. A list screen passes the clinic's state and each
    user's credentials and training records, read once."""
    _check_task(task)
    what = task_label(task)
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.clinic_id:
        return Qualification(user, task, False, "You are not signed in to a clinic.", None)
    if user.role == Role.PHYSICIAN:
        return Qualification(user, task, True, None, None)
    if user.role != Role.MEDICAL_ASSISTANT:
        role = user.get_role_display().lower() if user.role else "no role"
        return Qualification(
            user,
            task,
            False,
            f"Your role ({role}) may not {what}: only a medical assistant or a physician may.",
            None,
        )
    clinic = user.clinic
    assert clinic is not None  # noqa: S101 (checked above)
    today = today or clinic_today(clinic)
    rule = rule_for(clinic_state(clinic) if state is None else state, task)
    where = _where(rule)
    if not rule.allowed:
        reason = f"In {where} a medical assistant may not {what} ({rule.citation})."
        return Qualification(user, task, False, reason, rule)
    if rule.credentials_any:
        if credentials is None:
            credentials = list(StaffCredential.objects.filter(user=user))
        held = [c for c in credentials if c.active and c.kind in rule.credentials_any]
        current = [c for c in held if c.expires_on is None or c.expires_on >= today]
        if not current:
            names = " or ".join(rule.credentials_any)
            lapsed = [c for c in held if c.expires_on is not None and c.expires_on < today]
            if lapsed:
                last = max(c.expires_on for c in lapsed if c.expires_on)
                why = f"your {lapsed[0].kind} expired on {last.isoformat()}"
            else:
                why = "none is on file"
            reason = f"In {where} a medical assistant needs a current {names} to {what}; {why}."
            return Qualification(user, task, False, reason, rule)
    if trainings is None:
        trainings = list(TrainingRecord.objects.filter(user=user, task__in=rule.training_tasks))
    records = [
        r
        for r in trainings
        if r.active
        and r.task in rule.training_tasks
        and r.completed_on <= today
        and (r.expires_on is None or r.expires_on >= today)
    ]
    hours = sum((r.hours for r in records), Decimal(0))
    procedures = sum(r.supervised_procedures for r in records)
    if not records:
        reason = (
            f"In {where} a medical assistant may {what} only after training for it, "
            f"and no current training record is on file ({rule.citation})."
        )
        return Qualification(user, task, False, reason, rule, hours, procedures)
    if hours < rule.min_hours or procedures < rule.min_supervised_procedures:
        reason = (
            f"In {where} a medical assistant needs {_plural(rule.min_hours, 'hour')} of "
            f"training and {_plural(rule.min_supervised_procedures, 'supervised procedure')} "
            f"to {what}; the records on file show {_plural(hours, 'hour')} and "
            f"{_plural(procedures, 'procedure')} ({rule.citation})."
        )
        return Qualification(user, task, False, reason, rule, hours, procedures)
    if rule.certificate_required and not any(r.certificate for r in records):
        reason = (
            f"In {where} the training to {what} must be certified in writing by the trainer, "
            f"and no certificate is on file ({rule.citation})."
        )
        return Qualification(user, task, False, reason, rule, hours, procedures)
    return Qualification(user, task, True, None, rule, hours, procedures)


def task_refusal(actor, task: str, *, supervisor_present: bool | None = None) -> str | None:
    """None if `actor` may do `task` now; else the reason, in plain words."""
    found = qualification(actor, task)
    if not found.qualified:
        return found.reason
    rule = found.rule
    if rule is not None and rule.supervisor_on_premises and supervisor_present is not True:
        what = task_label(task)
        asked = "no supervising physician is" if supervisor_present is False else "it is not"
        return (
            f"In {_where(rule)} a medical assistant may {what} only while a supervising "
            f"physician is on the premises, and {asked} recorded as present ({rule.citation})."
        )
    return None


def require_task(actor, task: str, *, supervisor_present: bool | None = None) -> None:
    """Raise ScopeRefused (code `scope_refused`, status 403) with the reason unless `actor`
    may do `task` now. The refusal is audited."""
    reason = task_refusal(actor, task, supervisor_present=supervisor_present)
    if reason is None:
        return
    is_user = getattr(actor, "pk", None) is not None and getattr(actor, "is_authenticated", False)
    audit_refusal(
        actor=actor if is_user else None,
        object_type="practice.scope",
        object_id=task,
        clinic=getattr(actor, "clinic", None) if is_user else None,
        detail={"task": task, "reason": reason, "supervisor_present": supervisor_present},
    )
    raise ScopeRefused(reason, extra={"task": task})


@dataclass(frozen=True)
class Expiring:
    user: User
    what: str  # "CMA", or "Give an injection training"
    expires_on: date
    expired: bool


def expiring_soon(
    clinic: Clinic, *, within_days: int = EXPIRY_WARNING_DAYS, today: date | None = None
) -> list[Expiring]:
    """Credentials and training of the clinic's active staff that expired or expire within
    `within_days` of today (the clinic's today), soonest first."""
    today = today or clinic_today(clinic)
    horizon = today + timedelta(days=within_days)
    found: list[Expiring] = []
    credentials = StaffCredential.objects.filter(
        user__clinic=clinic, user__is_active=True, active=True, expires_on__lte=horizon
    ).select_related("user")
    for c in credentials:
        assert c.expires_on is not None  # noqa: S101 (filtered)
        found.append(Expiring(c.user, c.kind, c.expires_on, c.expires_on < today))
    trainings = TrainingRecord.objects.filter(
        user__clinic=clinic, user__is_active=True, active=True, expires_on__lte=horizon
    ).select_related("user")
    for t in trainings:
        assert t.expires_on is not None  # noqa: S101 (filtered)
        found.append(
            Expiring(t.user, f"{t.get_task_display()} training", t.expires_on, t.expires_on < today)
        )
    return sorted(found, key=lambda e: (e.expires_on, e.user.display_name, e.what))


def scope_matrix(clinic: Clinic, *, today: date | None = None) -> list[dict[str, Any]]:
    """Who may do what: one row per active medical assistant and physician of the clinic,
    with each task's Qualification."""
    today = today or clinic_today(clinic)
    state = clinic_state(clinic)
    staff = (
        User.objects.filter(
            clinic=clinic, is_active=True, role__in=[Role.MEDICAL_ASSISTANT, Role.PHYSICIAN]
        )
        .select_related("clinic")
        .prefetch_related("staff_credentials", "training_records")
        .order_by("role", "last_name", "first_name", "username")
    )
    rows = []
    for user in staff:
        credentials = list(user.staff_credentials.all())
        trainings = list(user.training_records.all())
        tasks = [
            qualification(
                user, t, today=today, state=state, credentials=credentials, trainings=trainings
            )
            for t in TASKS
        ]
        rows.append({"user": user, "tasks": tasks})
    return rows

"""Appointments and the visit lifecycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class Status(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    ROOMED = "roomed", "Roomed"
    WITH_PROVIDER = "with_provider", "With provider"
    CHECKED_OUT = "checked_out", "Checked out"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# Which statuses can follow which. Anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.BOOKED: frozenset({Status.ARRIVED, Status.CANCELLED, Status.NO_SHOW}),
    Status.ARRIVED: frozenset({Status.ROOMED, Status.CANCELLED}),
    Status.ROOMED: frozenset({Status.WITH_PROVIDER}),
    Status.WITH_PROVIDER: frozenset({Status.CHECKED_OUT}),
    Status.CHECKED_OUT: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.NO_SHOW: frozenset(),
}
ACTIVE_STATUSES = frozenset(
    {Status.BOOKED, Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER, Status.CHECKED_OUT}
)
IN_CLINIC_STATUSES = frozenset({Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER})


class Appointment(BaseModel):
    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, related_name="appointments"
    )
    location = models.ForeignKey("practice.Location", on_delete=models.PROTECT, related_name="+")
    visit_type = models.ForeignKey("practice.VisitType", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    status_changed_at = models.DateTimeField()
    room = models.ForeignKey(
        "practice.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField("Booking note", max_length=500, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    # Deliberately booked on top of another visit (permission appointment.double_book); such
    # visits are shown as "Double-booked" everywhere and are outside the no-overlap guarantee.
    double_booked = models.BooleanField(default=False)
    # Booked by the patient through the portal (the desk sees a "Booked online" flag).
    booked_online = models.BooleanField(default=False)
    series = models.ForeignKey(
        "scheduling.AppointmentSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    series_index = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["provider", "start"]),
            models.Index(fields=["clinic", "start"]),
            models.Index(fields=["patient", "start"]),
            models.Index(fields=["room", "start"]),
            models.Index(fields=["series", "series_index"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="appt_end")
        ]

    def __str__(self) -> str:
        return f"{self.patient} with {self.provider} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def allowed_next(self) -> frozenset[str]:
        return TRANSITIONS[self.status]


class StatusChange(models.Model):
    """One step of the visit lifecycle: when, by whom, from what to what."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status} at {self.at:%H:%M} by {self.by}"


class AppointmentMove(models.Model):
    """One reschedule of a visit: from which time and provider to which, when, by whom, why."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="moves")
    from_start = models.DateTimeField()
    from_end = models.DateTimeField()
    to_start = models.DateTimeField()
    to_end = models.DateTimeField()
    from_provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, related_name="+"
    )
    to_provider = models.ForeignKey("practice.Provider", on_delete=models.PROTECT, related_name="+")
    from_location = models.ForeignKey(
        "practice.Location", on_delete=models.PROTECT, related_name="+"
    )
    to_location = models.ForeignKey("practice.Location", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"moved {self.from_start:%Y-%m-%d %H:%M} → {self.to_start:%Y-%m-%d %H:%M}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"


class AppointmentSeries(BaseModel):
    """A recurring visit: every `interval_weeks` weeks on `weekday` at the clinic-local
    `local_time`, for `count` visits or until `until`. Each occurrence is a real Appointment
    (series, series_index); the wall-clock time is kept across DST changes."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("practice.Provider", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("practice.Location", on_delete=models.PROTECT, related_name="+")
    visit_type = models.ForeignKey("practice.VisitType", on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="weekly")
    interval_weeks = models.PositiveSmallIntegerField(default=1)
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    local_time = models.TimeField()
    first_date = models.DateField()
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "appointment series"

    def __str__(self) -> str:
        return f"every {self.interval_weeks} week(s) from {self.first_date} at {self.local_time}"

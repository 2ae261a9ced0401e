"""When providers can be booked: weekly sessions, exceptions, clinic holidays, visit-type rules,
and the resources (rooms, equipment) a visit needs.

Session and exception times are clinic-local wall-clock times (a session 08:00–12:00 is 08:00
local on every date, in summer and in winter). Resource bookings are instants, stored in UTC.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from medassist.core.models import BaseModel


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklySession(BaseModel):
    """One bookable stretch of a provider's weekly template at one location.

    A lunch break is the gap between two sessions (08:00–12:00 and 13:00–17:00)."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, related_name="weekly_sessions"
    )
    location = models.ForeignKey("practice.Location", on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    effective_from = models.DateField(null=True, blank=True, help_text="Blank: from always.")
    effective_to = models.DateField(
        null=True, blank=True, help_text="Last day it applies; blank: no end."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["provider_id", "weekday", "start_time"]
        indexes = [models.Index(fields=["provider", "weekday"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="session_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="session_effective_range",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M} "
            f"({self.location_id})"
        )


class AvailabilityException(BaseModel):
    """A change to a provider's template on some dates: time off, or an extra session.

    Time off with no times is all day; with times it blocks that stretch on each date of the
    range. An extra session needs its times and a location."""

    class Kind(models.TextChoices):
        TIME_OFF = "time_off", "Time off"
        EXTRA = "extra", "Extra session"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TIME_OFF)
    start_date = models.DateField()
    end_date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    location = models.ForeignKey(
        "practice.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["start_date", "start_time"]
        indexes = [models.Index(fields=["provider", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="exception_date_range"
            ),
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | Q(end_time__gt=F("start_time")),
                name="exception_time_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date}"

    @property
    def all_day(self) -> bool:
        return self.start_time is None


class ClinicHoliday(BaseModel):
    """A date the clinic (or one location) is closed: a public holiday or a manual closure."""

    class Source(models.TextChoices):
        HOLIDAYS = "holidays", "Public holiday"
        MANUAL = "manual", "Manual closure"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "practice.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: the whole clinic is closed.",
    )
    date = models.DateField()
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["clinic", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ResourceKind(BaseModel):
    """A kind of room or equipment a visit may need: "procedure room", "ECG cart"."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="resource_kind_name")
        ]

    def __str__(self) -> str:
        return self.name


class Resource(BaseModel):
    """One bookable room or piece of equipment at a location."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(ResourceKind, on_delete=models.PROTECT, related_name="resources")
    location = models.ForeignKey("practice.Location", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        "practice.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The room this resource is (for a room kind).",
    )
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="resource_name")]

    def __str__(self) -> str:
        return self.name


class VisitTypeRule(BaseModel):
    """Who may see a visit type, for whom, and what it needs."""

    class Patients(models.TextChoices):
        ANY = "any", "New and established patients"
        NEW = "new", "New patients only"
        ESTABLISHED = "established", "Established patients only"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    visit_type = models.OneToOneField(
        "practice.VisitType", on_delete=models.PROTECT, related_name="availability_rule"
    )
    providers = models.ManyToManyField(
        "practice.Provider",
        blank=True,
        related_name="+",
        help_text="Providers who offer this visit type; none chosen: every provider.",
    )
    patients = models.CharField(max_length=12, choices=Patients.choices, default=Patients.ANY)
    required_kinds = models.ManyToManyField(
        ResourceKind,
        blank=True,
        related_name="+",
        help_text="One free resource of each kind, at the visit's location, is booked with it.",
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Patients at least this old (years) on the visit's day."
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Patients under this age (years) on the visit's day."
    )

    def __str__(self) -> str:
        return f"Rule for {self.visit_type_id}"


class ProviderAgeRule(BaseModel):
    """The ages a provider sees (e.g. a pediatrician: under 18), on the visit's day."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    provider = models.OneToOneField(
        "practice.Provider", on_delete=models.PROTECT, related_name="age_rule"
    )
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Ages for {self.provider_id}"


def ages_label(min_age: int | None, max_age: int | None) -> str:
    """ "under 18", "18 and over", "5 to 17", or "" (any age)."""
    if min_age is not None and max_age is not None:
        return f"{min_age} to {max_age - 1}"
    if max_age is not None:
        return f"under {max_age}"
    if min_age is not None:
        return f"{min_age} and over"
    return ""


class ResourceBooking(BaseModel):
    """A resource held for an appointment. Active bookings of one resource never overlap:
    PostgreSQL enforces it with an exclusion constraint, SQLite through the booking service."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="resource_bookings"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["resource", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="resource_booking_end")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.start:%Y-%m-%d %H:%M}"

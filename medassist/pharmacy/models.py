"""In-office stock (items by NDC, lots by expiry, a ledger of every movement), clinicians'
medication orders, dispensing and administration against them, controlled-substance counts,
and the refill request queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from medassist.core.models import BaseModel


class StockItem(BaseModel):
    """A medication or vaccine the clinic keeps, by its NDC (11 digits, 5-4-2, no dashes)."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    ndc = models.CharField("NDC (11 digits)", max_length=11)
    rxnorm = models.CharField("RxNorm code", max_length=20, blank=True)
    cvx = models.CharField("CVX code (vaccines)", max_length=4, blank=True)
    strength = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=30, default="dose", help_text="What one unit of stock is.")
    dose_amount = models.DecimalField(
        max_digits=10, decimal_places=3, null=True, blank=True, help_text="Amount in one unit."
    )
    dose_unit = models.CharField(max_length=20, blank=True, help_text="e.g. mL, mg")
    route = models.CharField(max_length=40, blank=True)
    controlled_schedule = models.CharField(
        max_length=3, blank=True, help_text="DEA schedule II-V for a controlled substance."
    )
    low_stock_at = models.PositiveIntegerField(default=5)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "ndc"], name="stock_item_ndc")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_vaccine(self) -> bool:
        return bool(self.cvx)

    @property
    def is_controlled(self) -> bool:
        return bool(self.controlled_schedule)

    @property
    def ndc_display(self) -> str:
        n = self.ndc
        return f"{n[:5]}-{n[5:9]}-{n[9:]}" if len(n) == 11 else n


class StockLot(BaseModel):
    """One manufacturer lot of an item: what is on hand now, never below zero."""

    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=40)
    expires_on = models.DateField()
    manufacturer = models.CharField(max_length=100, blank=True)
    on_hand = models.IntegerField(default=0)

    class Meta:
        ordering = ["expires_on", "lot_number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "lot_number"], name="stock_lot_number"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_lot_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} lot {self.lot_number}"


class StockMovement(models.Model):
    """One line of the stock ledger: never edited or deleted. `quantity` is signed (received
    +, used -); `on_hand_after` is the lot's count right after it."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", "Received"
        DISPENSE = "dispense", "Dispensed"
        ADMINISTER = "administer", "Administered"
        WASTE = "waste", "Wasted"
        RETURN = "return", "Returned to supplier"
        COUNT = "count", "Count adjustment"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    quantity = models.IntegerField()
    on_hand_after = models.IntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="Invoice, order, etc.")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["lot", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} of {self.lot}"


class ControlledCount(models.Model):
    """A two-person count of a controlled-substance lot: the counter, a different witness,
    what the ledger expected and what was on the shelf."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="counts")
    at = models.DateTimeField()
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expected = models.IntegerField()
    counted = models.IntegerField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Count of {self.lot}: {self.counted} (expected {self.expected})"

    @property
    def discrepancy(self) -> int:
        return self.counted - self.expected


class MedicationOrder(BaseModel):
    """A clinician's order (FHIR MedicationRequest): a drug (RxNorm, with NDC where known),
    dose, route, when, and whether it is given in the office, handed over, or prescribed."""

    class Kind(models.TextChoices):
        ADMINISTER = "administer", "Give in the office"
        DISPENSE = "dispense", "Hand over from stock"
        PRESCRIPTION = "prescription", "Prescription (pharmacy fills)"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        ENTERED_IN_ERROR = "entered-in-error", "Entered in error"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="medication_orders"
    )
    prescriber = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, related_name="medication_orders"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    drug_name = models.CharField(max_length=200)
    rxnorm = models.CharField(max_length=20, blank=True)
    ndc = models.CharField(max_length=11, blank=True)
    cvx = models.CharField(max_length=4, blank=True)
    drug_class = models.CharField(max_length=40, blank=True)
    dose_amount = models.DecimalField(max_digits=10, decimal_places=3)
    dose_unit = models.CharField(max_length=20)
    route = models.CharField(max_length=40)
    frequency = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField(default=1, help_text="Units to dispense or give.")
    refills = models.PositiveIntegerField(default=0)
    refills_used = models.PositiveIntegerField(default=0)
    not_before = models.DateTimeField(help_text="The right time: from.")
    not_after = models.DateTimeField(help_text="The right time: until.")
    instructions = models.TextField(blank=True, help_text="The clinician's words to the patient.")
    reason = models.CharField(max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_reason = models.CharField(max_length=300, blank=True)
    units_done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-not_before", "-id"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"{self.drug_name} {self.dose_amount.normalize():f} {self.dose_unit} {self.route}"

    @property
    def refills_left(self) -> int:
        return max(self.refills - self.refills_used, 0)


class Dispense(BaseModel):
    """Medication handed over from stock against an order (FHIR MedicationDispense)."""

    order = models.ForeignKey(MedicationOrder, on_delete=models.PROTECT, related_name="dispenses")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="+")
    movement = models.OneToOneField(StockMovement, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    at = models.DateTimeField()
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supervisor_present = models.BooleanField(null=True)

    class Meta:
        ordering = ["-at"]


class Administration(BaseModel):
    """A dose given in the office against an order (FHIR MedicationAdministration); for a
    vaccine also CVX, the VIS edition date and the chart's Immunization."""

    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="administrations"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="+")
    movement = models.OneToOneField(StockMovement, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dose_amount = models.DecimalField(max_digits=10, decimal_places=3)
    dose_unit = models.CharField(max_length=20)
    route = models.CharField(max_length=40)
    site = models.CharField(max_length=60, blank=True)
    cvx = models.CharField(max_length=4, blank=True)
    vis_date = models.DateField(null=True, blank=True)
    immunization = models.OneToOneField(
        "records.Immunization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor_present = models.BooleanField(null=True)

    class Meta:
        ordering = ["-at"]


class RefillRequest(BaseModel):
    """One refill request in the clinic's one queue, from any source."""

    class Source(models.TextChoices):
        PHONE = "phone", "Phone"
        ASSISTANT = "assistant", "Assistant"
        PORTAL = "portal", "Patient portal"
        FRONT_DESK = "front_desk", "Front desk"
        PHARMACY = "pharmacy", "Pharmacy (fax or e-request)"

    class Status(models.TextChoices):
        NEW = "new", "New"
        PREPARED = "prepared", "Prepared for the prescriber"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="refill_requests"
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    medication_text = models.CharField(max_length=300)
    pharmacy_text = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    language = models.CharField(max_length=5, default="en")
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drug_class = models.CharField(max_length=40, blank=True)
    checks = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    refills = models.PositiveIntegerField(null=True, blank=True)
    deny_reason = models.CharField(max_length=500, blank=True)
    new_order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    patient_message = models.TextField(blank=True)
    pharmacy_message = models.TextField(blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    # The text or email that told the patient (reminders' outbox: quiet hours, retries).
    patient_notice = models.ForeignKey(
        "reminders.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"Refill {self.medication_text} for {self.patient}"

    @property
    def all_passed(self) -> bool:
        return bool(self.checks) and all(c.get("passed") for c in self.checks)


class PharmacyNotice(BaseModel):
    """That the pharmacy was told a refill's answer, and how: medassist has no fax or NCPDP
    transport, so staff send the reviewed message themselves (fax, phone call, the clinic's
    e-prescribing system, or printed for the patient to take) and record it here. Once per
    request; `message` is the text as sent (the request's pharmacy message at that moment)."""

    class Channel(models.TextChoices):
        FAX = "fax", "Fax"
        PHONE = "phone", "Phone call"
        ERX = "erx", "E-prescribing system"
        PRINTED = "printed", "Printed for the patient to take"

    refill = models.OneToOneField(
        RefillRequest, on_delete=models.PROTECT, related_name="pharmacy_notice"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField()
    note = models.CharField(
        max_length=300, blank=True, help_text="Who at the pharmacy, the fax number, a reference."
    )

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to the pharmacy for {self.refill}"


class ChangeDiscussion(BaseModel):
    """A medication or diet change relayed to the patient: a handout built from the
    clinician's order or text and a reviewed template, and the MA's record it was discussed."""

    class Kind(models.TextChoices):
        MEDICATION = "medication", "Medication change"
        DIET = "diet", "Diet instruction"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clinician = models.ForeignKey("practice.Provider", on_delete=models.PROTECT, related_name="+")
    clinician_text = models.TextField()
    language = models.CharField(max_length=5, default="en")
    discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discussed_at = models.DateTimeField(null=True, blank=True)
    discussion_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

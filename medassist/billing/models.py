"""Billing: payer billing details, fee schedule, the billing provider, claims and their lines,
837P batches, remittances (835 or paper) and the patient ledger.

Money is Decimal (two places) everywhere. The ledger is append-only: a correction is a new
entry. Each entry belongs to one of two buckets of the patient's account: what insurance is
expected to pay, and what the patient owes (`patient_balance` is the sum of the second).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel
from medassist.practice.validators import validate_npi

ZERO = Decimal("0.00")


class FilingIndicator(models.TextChoices):
    """Claim filing indicator codes (SBR09 of the 837P, CLP06 of the 835)."""

    COMMERCIAL = "CI", "Commercial insurance"
    BLUE_CROSS = "BL", "Blue Cross/Blue Shield"
    MEDICARE_B = "MB", "Medicare Part B"
    MEDICAID = "MC", "Medicaid"
    HMO = "HM", "Health maintenance organization"
    PPO = "12", "Preferred provider organization"
    POS = "13", "Point of service"
    EPO = "14", "Exclusive provider organization"
    CHAMPUS = "CH", "TRICARE (CHAMPUS)"
    VA = "VA", "Veterans Affairs plan"
    WORKERS_COMP = "WC", "Workers' compensation"
    AUTO = "AM", "Automobile medical"
    OTHER_FEDERAL = "OF", "Other federal program"
    SELF_PAY = "09", "Self-pay"
    OTHER = "ZZ", "Mutually defined / unknown"


class Submission(models.TextChoices):
    ELECTRONIC = "837p", "Electronic (X12 837P)"
    PAPER = "paper", "Paper (CMS-1500)"


class PayerBilling(BaseModel):
    """What billing needs to know about a payer beyond practice.Payer's name and id."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    payer = models.OneToOneField("practice.Payer", on_delete=models.PROTECT, related_name="billing")
    filing_indicator = models.CharField(
        max_length=2, choices=FilingIndicator.choices, default=FilingIndicator.COMMERCIAL
    )
    submission = models.CharField(
        max_length=8, choices=Submission.choices, default=Submission.ELECTRONIC
    )
    address_line1 = models.CharField(max_length=55, blank=True)
    city = models.CharField(max_length=30, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return f"Billing details of {self.payer}"


class BillingProvider(BaseModel):
    """The billing provider of a clinic (loop 2010AA): the organisation the payer pays."""

    clinic = models.OneToOneField(
        "practice.Clinic", on_delete=models.PROTECT, related_name="billing_provider"
    )
    name = models.CharField(max_length=60)
    npi = models.CharField("NPI", max_length=10, validators=[validate_npi])
    taxonomy = models.CharField(max_length=10, help_text="Health care provider taxonomy code.")
    tin = models.CharField("TIN (EIN)", max_length=9, help_text="Nine digits, no dash.")
    address_line1 = models.CharField(max_length=55)
    city = models.CharField(max_length=30)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=9, help_text="ZIP+4, nine digits.")
    contact_name = models.CharField(max_length=60)
    contact_phone = models.CharField(max_length=10, help_text="Ten digits.")
    submitter_id = models.CharField(max_length=15, help_text="Our id at the clearinghouse.")
    receiver_id = models.CharField(max_length=15, help_text="The clearinghouse's id.")
    receiver_name = models.CharField(max_length=60)
    usage = models.CharField(
        max_length=1, choices=[("T", "Test"), ("P", "Production")], default="T"
    )
    last_interchange_number = models.PositiveIntegerField(default=0, editable=False)
    default_place_of_service = models.CharField(
        max_length=2, default="11", help_text="Offered first on the superbill (11: office)."
    )
    places_of_service = models.JSONField(
        default=list, blank=True, help_text="Codes offered on the superbill; empty: all."
    )

    def __str__(self) -> str:
        return self.name


class FeeScheduleItem(BaseModel):
    class System(models.TextChoices):
        CPT = "CPT", "CPT (typed in by the clinic; licensed by the AMA)"
        HCPCS = "HCPCS", "HCPCS Level II"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    system = models.CharField(max_length=6, choices=System.choices)
    code = models.CharField(max_length=5)
    description = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    modifiers = models.CharField(max_length=11, blank=True, help_text="Default modifiers.")
    demo = models.BooleanField(default=False, help_text="Part of the labelled demo sample.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code"], name="billing_fee_code_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Scrubbed, ready to send"
    SUBMITTED = "submitted", "Sent"
    ACCEPTED = "accepted", "Accepted by the payer"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"
    DENIED = "denied", "Denied"
    CLOSED = "closed", "Closed"


class ClaimBatch(BaseModel):
    """One 837P interchange: made once per idempotency key."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=80)
    interchange_number = models.PositiveIntegerField()
    content = models.TextField()
    claim_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "idempotency_key"], name="billing_batch_key_uniq"
            ),
            models.UniqueConstraint(
                fields=["clinic", "interchange_number"], name="billing_batch_isa13_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"837P batch {self.interchange_number:09d}"


class Claim(BaseModel):
    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(
        max_length=38, help_text="Patient control number (CLM01; comes back as CLP01)."
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    coverage = models.ForeignKey(
        "patients.Coverage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payer = models.ForeignKey(
        "practice.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    encounter = models.ForeignKey(
        "records.Encounter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rendering_provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_date = models.DateField()
    place_of_service = models.CharField(max_length=2, default="11")
    diagnoses = models.JSONField(default=list, help_text="Ordered ICD-10-CM codes, at most 12.")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default="draft")
    batch = models.ForeignKey(
        ClaimBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    ack_status = models.CharField(max_length=40, blank=True)
    ack_message = models.CharField(max_length=500, blank=True)
    scrub_problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-service_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "number"], name="billing_claim_number_uniq")
        ]

    def __str__(self) -> str:
        return f"Claim {self.number}"

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines.all()), ZERO)


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveSmallIntegerField()
    procedure_code = models.CharField(max_length=5)
    modifiers = models.JSONField(default=list)
    units = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"))
    charge = models.DecimalField(max_digits=12, decimal_places=2)
    pointers = models.JSONField(default=list, help_text="1-based diagnosis pointers, 1 to 4.")
    service_date = models.DateField(null=True, blank=True)
    paid = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    adjusted = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    patient_responsibility = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ["claim", "number"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="billing_line_number_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.claim.number}/{self.number} {self.procedure_code}"


class Remittance(BaseModel):
    class Source(models.TextChoices):
        X835 = "835", "X12 835"
        PAPER = "paper", "Paper remittance (entered by hand)"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey("practice.Payer", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=6, choices=Source.choices)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the file, or of the entry.")
    trace_number = models.CharField(max_length=50, blank=True)
    payment_amount = models.DecimalField(max_digits=12, decimal_places=2)
    payment_date = models.DateField(null=True, blank=True)
    content = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "fingerprint"], name="billing_remittance_once"
            )
        ]

    def __str__(self) -> str:
        return f"Remittance {self.trace_number or self.pk}"


class RemittanceLine(models.Model):
    class State(models.TextChoices):
        POSTED = "posted", "Posted"
        UNMATCHED = "unmatched", "Needs a person"
        RESOLVED = "resolved", "Resolved by hand"

    class Resolution(models.TextChoices):
        POSTED = "posted", "Posted by hand to a claim"
        REVERSAL = "reversal", "Reversal of an earlier payment, handled"
        TAKE_BACK = "take_back", "Take-back / recoupment, handled"
        DUPLICATE = "duplicate", "Duplicate of a line already posted"
        NOT_OURS = "not_ours", "Not our patient or claim (returned to the payer)"
        OTHER = "other", "Other (see the note)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    remittance = models.ForeignKey(Remittance, on_delete=models.CASCADE, related_name="lines")
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="remittance_lines"
    )
    claim_line = models.ForeignKey(
        ClaimLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    patient_control = models.CharField(max_length=38)
    claim_status = models.CharField(max_length=2, blank=True)
    procedure_code = models.CharField(max_length=48, blank=True)
    modifiers = models.JSONField(default=list)
    charge = models.DecimalField(max_digits=12, decimal_places=2)
    paid = models.DecimalField(max_digits=12, decimal_places=2)
    patient_responsibility = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    adjustments = models.JSONField(default=list, help_text="[{group, reason, amount, words}]")
    remarks = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices)
    problem = models.CharField(max_length=300, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["remittance", "id"]

    def __str__(self) -> str:
        return f"{self.patient_control} {self.procedure_code} {self.paid}"


class EntryKind(models.TextChoices):
    CHARGE = "charge", "Charge"
    COPAY = "copay", "Copay"
    PATIENT_PAYMENT = "patient_payment", "Patient payment"
    INSURANCE_PAYMENT = "insurance_payment", "Insurance payment"
    ADJUSTMENT = "adjustment", "Adjustment"
    TRANSFER = "transfer", "Moved to patient responsibility"
    REFUND = "refund", "Refund"


class Bucket(models.TextChoices):
    INSURANCE = "insurance", "Insurance"
    PATIENT = "patient", "Patient"


class LedgerEntry(models.Model):
    """One signed amount in one bucket of a patient's account. Positive is owed (charge,
    refund given back), negative is paid or written off. A transfer is two entries."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    bucket = models.CharField(max_length=10, choices=Bucket.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    payer = models.ForeignKey(
        "practice.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    claim_line = models.ForeignKey(
        ClaimLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    remittance = models.ForeignKey(
        Remittance, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    posted_on = models.DateField(help_text="The clinic's business day.")
    posted_at = models.DateTimeField()
    memo = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["posted_at", "id"]
        indexes = [
            models.Index(fields=["patient", "bucket"]),
            models.Index(fields=["clinic", "posted_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class EligibilityCheck(BaseModel):
    """One 270 sent for a coverage, and what the 271 said (when it came back)."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the payer"
        ACTIVE = "active", "Coverage active"
        INACTIVE = "inactive", "Coverage not active"
        FAILED = "failed", "Check failed"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    coverage = models.ForeignKey("patients.Coverage", on_delete=models.PROTECT, related_name="+")
    trace = models.CharField(max_length=30, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    plan = models.CharField(max_length=80, blank=True)
    copay = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    deductible_remaining = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    message = models.CharField(max_length=300, blank=True)
    request = models.TextField(blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Eligibility {self.trace}: {self.state}"

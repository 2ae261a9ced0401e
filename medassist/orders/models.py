"""Orders (lab, imaging, referral) tracked to closure, the lab compendium, specimens, HL7
messages in and out, the unmatched-result work queue and result alerts, and point-of-care
testing (kits, devices, daily QC, runs). Results themselves are records.Observation rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class Tube(models.TextChoices):
    """Collection containers, listed in the CLSI order of draw (GP41)."""

    BLOOD_CULTURE = "blood_culture", "Blood culture bottles"
    CITRATE = "citrate", "Light blue (sodium citrate)"
    SERUM = "serum", "Red / gold SST (serum)"
    HEPARIN = "heparin", "Green (heparin)"
    EDTA = "edta", "Lavender (EDTA)"
    FLUORIDE = "fluoride", "Gray (sodium fluoride)"
    URINE = "urine", "Urine cup"
    SWAB = "swab", "Swab"
    OTHER = "other", "Other container"


ORDER_OF_DRAW = [t.value for t in Tube]  # the enum's order is the CLSI order of draw


class Transport(models.TextChoices):
    NONE = "", "Not connected (send on paper)"
    FILE = "file", "File drop folder"
    MLLP = "mllp", "MLLP (TCP host and port)"


class PerformingLab(BaseModel):
    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40, help_text="HL7 receiving facility / lab id")
    name = models.CharField(max_length=200)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the compendium came from"
    )
    active = models.BooleanField(default=True)
    # How orders reach this lab (set by the clinic admin on *Lab connections*).
    transport = models.CharField(
        max_length=10, choices=Transport.choices, default=Transport.NONE, blank=True
    )
    drop_folder = models.CharField(
        max_length=200, blank=True, help_text="File drop: a folder under MEDASSIST_HL7_DIR"
    )
    mllp_host = models.CharField(max_length=253, blank=True)
    mllp_port = models.PositiveIntegerField(null=True, blank=True)
    message_type = models.CharField(max_length=10, default="OML^O21")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code"], name="orders_lab_code"),
        ]

    def __str__(self) -> str:
        return self.name


class CompendiumTest(BaseModel):
    """One orderable test of a performing lab, with its specimen requirements."""

    lab = models.ForeignKey(PerformingLab, on_delete=models.PROTECT, related_name="tests")
    order_code = models.CharField(max_length=40)
    loinc = models.CharField("LOINC", max_length=20)
    name = models.CharField(max_length=200)
    specimen_type = models.CharField(max_length=60, default="Blood")
    tube = models.CharField(max_length=20, choices=Tube.choices)
    volume_ml = models.DecimalField(max_digits=5, decimal_places=1)
    fasting_required = models.BooleanField(default=False)
    handling = models.CharField(max_length=300, blank=True)
    components = models.JSONField(default=list, blank=True)  # [{"loinc":..,"name":..}]
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["lab", "order_code"], name="orders_test_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.loinc})"


class Order(BaseModel):
    class Kind(models.TextChoices):
        LAB = "lab", "Lab test"
        IMAGING = "imaging", "Imaging"
        REFERRAL = "referral", "Referral"

    class Status(models.TextChoices):
        ORDERED = "ordered", "Ordered"
        COLLECTED = "collected", "Specimen collected"
        SCHEDULED = "scheduled", "Appointment made"
        SENT = "sent", "Sent"
        RESULTED = "resulted", "Result received"
        REVIEWED = "reviewed", "Reviewed"
        TOLD = "told", "Patient told"
        CANCELLED = "cancelled", "Cancelled"

    class Priority(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"
        STAT = "stat", "STAT"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ORDERED)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    placer_number = models.CharField(max_length=30, help_text="Our order number (ORC-2)")
    filler_number = models.CharField(max_length=60, blank=True, help_text="The lab's (ORC-3)")
    ordering_provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    due_date = models.DateField(help_text="When the specimen or appointment is due")
    diagnosis = models.CharField(max_length=200, blank=True, help_text="Reason / ICD-10-CM")
    note = models.TextField(blank=True)
    # lab
    lab = models.ForeignKey(
        PerformingLab, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    fasting_required = models.BooleanField(default=False)
    # imaging
    modality = models.CharField(max_length=40, blank=True, help_text="e.g. X-ray, CT, MRI, US")
    body_site = models.CharField(max_length=100, blank=True)
    procedure_code = models.CharField(max_length=20, blank=True, help_text="LOINC/CPT if known")
    procedure_name = models.CharField(max_length=200, blank=True)
    # referral
    refer_to = models.CharField(max_length=200, blank=True, help_text="Provider or hospital")
    specialty = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    documents = models.ManyToManyField("records.Document", blank=True, related_name="+")
    # imaging / referral: the appointment made outside
    appointment_at = models.DateTimeField(null=True, blank=True)
    appointment_place = models.CharField(max_length=200, blank=True)
    # lifecycle stamps
    sent_at = models.DateTimeField(null=True, blank=True)
    resulted_at = models.DateTimeField(null=True, blank=True)
    # imaging / referral: the outside report (radiology read, consult letter) filed to the chart
    report = models.ForeignKey(
        "records.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    abnormal = models.BooleanField(default=False)
    critical = models.BooleanField(default=False)

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "placer_number"], name="orders_placer"),
        ]
        indexes = [
            models.Index(fields=["clinic", "status", "due_date"]),
            models.Index(fields=["patient", "signed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.placer_number} {self.title}"

    @property
    def title(self) -> str:
        if self.kind == self.Kind.LAB:
            names = [t.name for t in self.tests.all()]
            return ", ".join(names) or "Lab order"
        if self.kind == self.Kind.IMAGING:
            return " ".join(p for p in (self.modality, self.body_site, self.procedure_name) if p)
        return f"Referral to {self.refer_to}" + (f" ({self.specialty})" if self.specialty else "")

    @property
    def open(self) -> bool:
        return self.status not in (self.Status.TOLD, self.Status.CANCELLED)


class OrderTest(models.Model):
    """One test on a lab order, copied from the compendium when ordered."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tests")
    test = models.ForeignKey(CompendiumTest, on_delete=models.PROTECT, related_name="+")
    loinc = models.CharField(max_length=20)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class OrderEvent(models.Model):
    """Every step of an order's life, with who and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=Order.Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M}"


class Specimen(BaseModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="specimens")
    accession = models.CharField(max_length=30, unique=True, help_text="Barcode on the label")
    tube = models.CharField(max_length=20, choices=Tube.choices)
    specimen_type = models.CharField(max_length=60)
    volume_ml = models.DecimalField(max_digits=5, decimal_places=1)
    collected_at = models.DateTimeField()
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    site = models.CharField(max_length=60, help_text="e.g. left antecubital")
    fasting_confirmed = models.BooleanField(null=True)

    class Meta:
        ordering = ["id"]


class HL7Message(BaseModel):
    class Direction(models.TextChoices):
        IN = "in", "Received"
        OUT = "out", "Sent"

    class State(models.TextChoices):
        FILED = "filed", "Filed"
        UNMATCHED = "unmatched", "In the work queue"
        REJECTED = "rejected", "Rejected"
        QUEUED = "queued", "Queued to send"
        SENT = "sent", "Sent"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    control_id = models.CharField(max_length=200)
    message_type = models.CharField(max_length=20, blank=True)
    sending_app = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raw = models.TextField()
    error = models.CharField(max_length=500, blank=True)
    ack_code = models.CharField(max_length=2, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "direction", "sending_app", "control_id"],
                name="orders_hl7_once",
            ),
        ]


class ResultLink(models.Model):
    """An Observation filed from a result message for an order."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="results")
    observation = models.OneToOneField(
        "records.Observation", on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        HL7Message, on_delete=models.PROTECT, null=True, blank=True, related_name="results"
    )
    flag = models.CharField(max_length=10, blank=True)  # OBX-8 (H, L, HH, LL, A, AA, ...)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Result {self.observation_id} of order {self.order_id}"


class WorkItem(BaseModel):
    """Work for staff: an unmatched result message, or an abnormal/critical result alert."""

    class Kind(models.TextChoices):
        UNMATCHED = "unmatched_result", "Unmatched result"
        ABNORMAL = "abnormal_result", "Abnormal result"
        CRITICAL = "critical_result", "Critical result"
        OVERDUE = "overdue_order", "Overdue order"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    message = models.ForeignKey(
        HL7Message, on_delete=models.PROTECT, null=True, blank=True, related_name="work"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="work"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "done_at"])]


class PatientNotice(BaseModel):
    """What the patient was told about a result: a reviewed template the clinician picked, or
    the clinician's own words. Queued for delivery as a message to the patient."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="notices")
    template = models.CharField(max_length=40)
    clinician_text = models.TextField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    channel = models.CharField(max_length=10)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    delivery_id = models.PositiveBigIntegerField(null=True, blank=True)  # reminders.Message pk

    class Meta:
        ordering = ["-created_at"]


# --- point-of-care testing -------------------------------------------------------------


class PocDevice(BaseModel):
    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    test = models.CharField(max_length=20)  # a key of orders.poc.TESTS
    serial = models.CharField(max_length=60, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PocKit(BaseModel):
    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    test = models.CharField(max_length=20)
    lot = models.CharField(max_length=60)
    expires_on = models.DateField()

    class Meta:
        ordering = ["test", "expires_on"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "test", "lot"], name="orders_poc_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.test} lot {self.lot} (exp {self.expires_on:%Y-%m-%d})"


class QcRun(BaseModel):
    """One daily quality-control check of a device (the clinic's calendar day)."""

    device = models.ForeignKey(PocDevice, on_delete=models.PROTECT, related_name="qc_runs")
    day = models.DateField()
    passed = models.BooleanField()
    level = models.CharField(max_length=40, blank=True, help_text="e.g. low / high control")
    kit = models.ForeignKey(
        PocKit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField()

    class Meta:
        ordering = ["-performed_at", "-id"]
        indexes = [models.Index(fields=["device", "day"])]


class PocRun(BaseModel):
    """One point-of-care test on a patient; its result is a records.Observation."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    test = models.CharField(max_length=20)
    device = models.ForeignKey(
        PocDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="runs"
    )
    kit = models.ForeignKey(PocKit, on_delete=models.PROTECT, related_name="runs")
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="poc_runs"
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField()
    observation = models.OneToOneField(
        "records.Observation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-performed_at", "-id"]

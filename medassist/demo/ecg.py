"""Demo ECGs: two recordings on two demo charts, one technically acceptable and waiting for
the physician's review, one with a lead off (the MA would repeat it)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from medassist.ecg.services import ecg_record
from medassist.ecg.synthetic import twelve_lead_csv
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, User
from medassist.practice.roles import Role


@transaction.atomic
def ecg_demo(clinic: Clinic) -> dict:
    ma = User.objects.filter(clinic=clinic, role=Role.MEDICAL_ASSISTANT, is_active=True).first()
    patients = list(Patient.objects.filter(clinic=clinic, active=True).order_by("id")[5:7])
    if ma is None or len(patients) < 2:
        return {}
    ma.clinic = clinic
    for patient, lead_off, seed in ((patients[0], "", 3), (patients[1], "V3", 4)):
        data = twelve_lead_csv(seed=seed, lead_off=lead_off)
        ecg_record(actor=ma, patient=patient, sampling_rate=500,
                   uploaded_file=SimpleUploadedFile("resting-ecg.csv", data, "text/csv"))
    return {"ECG recordings": 2}

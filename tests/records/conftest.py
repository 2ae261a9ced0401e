"""Fixtures for the chart tests: uploads go to a temporary MEDIA_ROOT, and a few chart items."""

from __future__ import annotations

import datetime as dt

import pytest

from medassist.records import services


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDASSIST_MAX_DOCUMENT_BYTES = 64 * 1024
    return settings.MEDIA_ROOT


@pytest.fixture
def encounter(physician, patient):
    return services.encounter_create(
        actor=physician, patient=patient, type_display="Office visit", reason_text="Cough"
    )


@pytest.fixture
def problem(physician, patient):
    return services.problem_create(
        actor=physician, patient=patient, code="I10", onset_date=dt.date(2020, 1, 5)
    )


@pytest.fixture
def allergy(medical_assistant, patient):
    return services.allergy_create(
        actor=medical_assistant,
        patient=patient,
        substance="Penicillin",
        reaction="Hives",
        severity="moderate",
        category="medication",
    )


@pytest.fixture
def medication(physician, patient):
    return services.medication_create(
        actor=physician,
        patient=patient,
        drug_name="Lisinopril",
        code="29046",
        strength="10 mg",
        dose="1 tablet",
        route="oral",
        frequency="once daily",
        start_date=dt.date(2024, 3, 1),
    )


@pytest.fixture
def immunization(physician, patient):
    return services.immunization_create(
        actor=physician,
        patient=patient,
        cvx_code="115",
        occurrence_date=dt.date(2025, 10, 1),
        lot_number="AB123",
        site="left deltoid",
        route="IM",
        dose_quantity="0.5 mL",
    )


@pytest.fixture
def draft_note(physician, encounter):
    return services.note_create(
        actor=physician, encounter=encounter, title="Progress note", body="S: cough x3 days"
    )


@pytest.fixture
def signed_note(physician, draft_note):
    return services.note_sign(actor=physician, note=draft_note)


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00\xff\x00\x00"  # one filter byte + one red pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Outside record")
    c.save()
    return buf.getvalue()

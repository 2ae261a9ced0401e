"""The demo clinic: what `medassist demo` loads, that it is consistent with the app's own rules,
that it is the same every time, and that loading it twice changes nothing.

The demo is loaded once for the module (committed), then deleted when the module ends; each
test runs in its own transaction on top of it, so tests that delete or reload roll back."""

from __future__ import annotations

import hashlib
import io
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.core.normalize import name_key, phone_e164
from medassist.demo import clinic as demodata
from medassist.demo import visits as demo_visits
from medassist.frontdesk.models import CheckIn, Checkout
from medassist.intake import vitals as vitals_rules
from medassist.intake.models import Rooming, Vitals
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, Location, Provider, Room, User, VisitType
from medassist.practice.roles import Role, can
from medassist.practice.validators import npi_is_valid
from medassist.records.models import (
    Allergy,
    ChartHistory,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    Problem,
    SocialHistory,
)
from medassist.records.services import encounter_for_appointment, note_create
from medassist.scheduling.models import (
    ACTIVE_STATUSES,
    TRANSITIONS,
    Appointment,
    Status,
    StatusChange,
)
from medassist.scheduling.services import TRANSITION_PERMISSION
from tests import factories

REACHED = {
    Status.ARRIVED: {Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER, Status.CHECKED_OUT},
    Status.ROOMED: {Status.ROOMED, Status.WITH_PROVIDER, Status.CHECKED_OUT},
    Status.CHECKED_OUT: {Status.CHECKED_OUT},
}


def _fingerprint(clinic: Clinic) -> str:
    """Patients (MRN, names, date of birth, phone) and the schedule (provider, time, patient,
    visit type, and the status of every day but today, which is staged at the time of loading)."""
    digest = hashlib.sha256()
    for row in (
        Patient.objects.filter(clinic=clinic)
        .order_by("mrn")
        .values_list("mrn", "first_name", "last_name", "date_of_birth", "phone_mobile")
    ):
        digest.update(repr(row).encode())
    today = timezone.localdate(timezone=clinic.tz)
    rows = (
        Appointment.objects.filter(clinic=clinic)
        .order_by("start", "provider__npi")
        .values_list("provider__npi", "start", "patient__mrn", "visit_type__code", "status")
    )
    for npi, start, mrn, code, status in rows:
        if start.astimezone(clinic.tz).date() == today:
            status = ""
        digest.update(repr((npi, start, mrn, code, status)).encode())
    return digest.hexdigest()


def _chart_fingerprint(clinic: Clinic) -> str:
    """Every chart item of the demo's patients, and the encounters and notes of the days
    before today (today's depend on the time of loading)."""
    digest = hashlib.sha256()
    of_clinic = {"patient__clinic": clinic}
    tables = [
        (Problem, ("patient__mrn", "code", "onset_date", "clinical_status")),
        (MedicationStatement, ("patient__mrn", "display", "strength", "start_date", "status")),
        (Allergy, ("patient__mrn", "display", "reaction")),
        (NoKnownAllergies, ("patient__mrn", "recorded_at")),
        (Immunization, ("patient__mrn", "code", "occurrence_date", "lot_number")),
        (HistoryEntry, ("patient__mrn", "kind", "display", "relation", "onset_age")),
        (SocialHistory, ("patient__mrn", "smoking_status", "occupation", "living_situation")),
    ]
    for model, fields in tables:
        for row in model.objects.filter(**of_clinic).order_by(*fields).values_list(*fields):
            digest.update(repr(row).encode())
    start_of_today = datetime.combine(
        timezone.localdate(timezone=clinic.tz), datetime.min.time(), tzinfo=clinic.tz
    )
    notes = Note.objects.filter(**of_clinic, encounter__start__lt=start_of_today)
    for row in notes.order_by("encounter__start", "patient__mrn").values_list(
        "patient__mrn", "encounter__start", "encounter__reason_text", "title", "body", "signed_at"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _assert_foreign_keys_hold() -> None:
    """Check the deferred foreign keys now (the test's transaction never commits)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _table_counts() -> dict[str, int]:
    models = [Clinic, Location, Room, User, Provider, VisitType, Patient, Appointment]
    models += [StatusChange, CheckIn, Rooming, Vitals, Checkout, AuditEvent]
    return {m._meta.label: m._default_manager.count() for m in models}


def test_demo_loads_the_clinic_the_issue_describes(db, demo):
    # given the demo clinic
    clinic = demo.clinic

    # then it has the set-up, the patients and four weeks of appointments in every status
    assert (clinic.name, clinic.timezone, clinic.state, clinic.mrn_prefix) == (
        "Riverside Family Medicine",
        "America/New_York",
        "NY",
        "RF",
    )
    assert clinic.locations.count() == 2
    kinds = Counter(Room.objects.filter(location__clinic=clinic).values_list("kind", flat=True))
    assert kinds == {Room.Kind.EXAM: 6, Room.Kind.PROCEDURE: 1, Room.Kind.LAB: 1}
    providers = list(clinic.providers.prefetch_related("locations"))
    assert len(providers) == 6
    assert {p.credentials for p in providers} >= {"MD", "DO", "NP", "PA-C"}
    assert all(p.locations.exists() and p.user.role == Role.PHYSICIAN for p in providers)
    durations = dict(clinic.visit_types.values_list("code", "duration_minutes"))
    assert durations == {
        "new-patient": 40,
        "follow-up": 20,
        "annual-physical": 30,
        "sick-visit": 15,
        "procedure": 30,
        "nurse-visit": 15,
        "telehealth": 20,
    }
    payers = dict(clinic.payers.values_list("name", "payer_id"))
    assert payers["Aetna"] == "60054" and payers["UnitedHealthcare"] == "87726"
    assert not any("self" in name.lower() for name in payers)
    assert Patient.objects.filter(clinic=clinic).count() == 500
    appts = Appointment.objects.filter(clinic=clinic)
    assert set(appts.values_list("status", flat=True)) == set(Status.values)
    tz = clinic.tz
    days = {a.astimezone(tz).date() for a in appts.values_list("start", flat=True)}
    today = timezone.localdate(timezone=tz)
    assert min(days) <= today - timedelta(days=12) and max(days) >= today + timedelta(days=12)
    # and every provider has appointments
    assert set(appts.values_list("provider", flat=True)) == {p.pk for p in providers}


def test_today_is_a_live_clinic_day(db, demo):
    # given today's appointments
    tz = demo.clinic.tz
    today = demo.pivot.date()
    todays = Appointment.objects.filter(clinic=demo.clinic, start__date__gte=today - timedelta(1))
    todays = [a for a in todays if a.start.astimezone(tz).date() == today]

    # then the morning is done, people are in the clinic and the afternoon is still booked
    statuses = Counter(a.status for a in todays)
    assert statuses[Status.CHECKED_OUT] > 0
    assert statuses[Status.WITH_PROVIDER] > 0
    assert statuses[Status.ARRIVED] + statuses[Status.ROOMED] > 0
    assert all(a.start > demo.pivot for a in todays if a.status == Status.BOOKED)
    assert any(a.status == Status.BOOKED for a in todays)
    # and nobody is in a room that someone else is in right now
    in_rooms = [a.room_id for a in todays if a.status in (Status.ROOMED, Status.WITH_PROVIDER)]
    assert None not in in_rooms and len(in_rooms) == len(set(in_rooms))


def test_procedures_need_a_procedure_room_and_the_first_location_has_an_ecg_cart(db, demo):
    from medassist.availability.models import Resource, VisitTypeRule

    clinic = demo.clinic
    resources = Resource.objects.filter(clinic=clinic, active=True).select_related("kind", "room")
    by_kind = defaultdict(list)
    for r in resources:
        by_kind[r.kind.name].append(r)
    procedure_rooms = Room.objects.filter(location__clinic=clinic, kind=Room.Kind.PROCEDURE)
    assert sorted(r.room_id for r in by_kind["Procedure room"]) == sorted(
        procedure_rooms.values_list("pk", flat=True)
    )
    assert [r.name for r in by_kind["ECG cart"]] == ["ECG cart 1"]
    rule = VisitTypeRule.objects.get(visit_type__clinic=clinic, visit_type__code="procedure")
    assert [k.name for k in rule.required_kinds.all()] == ["Procedure room"]
    # and only the providers who do procedures offer them
    doing = {p.last_name for p in rule.providers.all()}
    assert doing == {"Chen", "Okafor", "Raman", "O'Brien"}


def test_weekly_hours_follow_each_providers_week(db, demo):
    from medassist.availability.models import WeeklySession

    def week(last_name):
        rows = WeeklySession.objects.filter(
            provider__clinic=demo.clinic, provider__last_name=last_name, active=True
        ).select_related("location")
        return {(s.weekday, s.location.name) for s in rows}

    # NP Vasquez is off on Fridays; Dr. Okafor alternates between the two sites
    assert {day for day, _ in week("Vasquez")} == {0, 1, 2, 3}
    assert week("Okafor") == {
        (0, "Riverside Main"),
        (1, "Northgate"),
        (2, "Riverside Main"),
        (3, "Northgate"),
        (4, "Riverside Main"),
    }
    # Dr. Rahman sees children at Northgate only, every weekday, morning and afternoon
    assert week("Rahman") == {(d, "Northgate") for d in range(5)}
    assert WeeklySession.objects.filter(provider__last_name="Rahman").count() == 10


def test_no_two_active_appointments_of_a_provider_overlap(db, demo):
    # given every active appointment, per provider
    by_provider = defaultdict(list)
    rows = Appointment.objects.filter(clinic=demo.clinic, status__in=ACTIVE_STATUSES)
    for provider_id, start, end in rows.values_list("provider_id", "start", "end"):
        by_provider[provider_id].append((start, end))

    # then each one ends before the next begins
    for slots in by_provider.values():
        slots.sort()
        for (_s1, end), (start, _e2) in zip(slots, slots[1:], strict=False):
            assert end <= start


def test_every_status_history_is_legal_attributed_and_ends_in_the_status(db, demo):
    # given every appointment and its status changes
    appts = {
        a.pk: a
        for a in Appointment.objects.filter(clinic=demo.clinic).only(
            "status", "status_changed_at", "start", "cancel_reason"
        )
    }
    users = {u.pk: u for u in User.objects.filter(clinic=demo.clinic)}
    chains = defaultdict(list)
    for change in StatusChange.objects.filter(appointment__clinic=demo.clinic).order_by("at", "id"):
        chains[change.appointment_id].append(change)

    # then each chain starts with a booking, follows the lifecycle, in time order, by a user
    # allowed to make that step, and ends in the appointment's status at status_changed_at
    assert set(chains) == set(appts)
    for pk, chain in chains.items():
        appt = appts[pk]
        assert (chain[0].from_status, chain[0].to_status) == ("", Status.BOOKED)
        assert can(users[chain[0].by_id], "appointment.book")
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in TRANSITIONS[before.to_status]
            assert after.at > before.at
            assert can(users[after.by_id], TRANSITION_PERMISSION[after.to_status])
        assert chain[-1].to_status == appt.status
        assert chain[-1].at == appt.status_changed_at
        assert chain[-1].at < demo.pivot  # nothing has happened later than "now"
        if appt.status == Status.CANCELLED:
            assert appt.cancel_reason and chain[-1].reason == appt.cancel_reason


def test_each_step_a_visit_reached_has_its_record(db, demo):
    # given the appointments with their check-in, rooming and checkout
    appts = Appointment.objects.filter(clinic=demo.clinic).select_related(
        "check_in", "rooming", "checkout"
    )

    # then a record exists exactly for the steps the visit reached
    for appt in appts:
        assert hasattr(appt, "check_in") == (appt.status in REACHED[Status.ARRIVED])
        assert hasattr(appt, "rooming") == (appt.status in REACHED[Status.ROOMED])
        assert hasattr(appt, "checkout") == (appt.status in REACHED[Status.CHECKED_OUT])
        if hasattr(appt, "rooming"):
            assert appt.rooming.room_id == appt.room_id
            assert appt.rooming.reason_for_visit.strip()
            assert appt.check_in.checked_in_at < appt.rooming.roomed_at
        else:
            assert appt.room_id is None
        if hasattr(appt, "check_in"):
            assert appt.check_in.self_pay == (appt.check_in.coverage_id is None)


def test_vitals_pass_the_apps_own_rules_and_some_are_flagged(db, demo):
    # given every set of vitals in the demo
    vitals = list(Vitals.objects.filter(patient__clinic=demo.clinic).select_related("patient"))
    assert len(vitals) > 100

    # then re-entering each reading (in metric) is accepted and gives the same BMI and flags
    for v in vitals:
        age = v.patient.age_on(v.taken_at.astimezone(demo.clinic.tz).date())
        reading = vitals_rules.normalize(
            bp_systolic=v.bp_systolic,
            bp_diastolic=v.bp_diastolic,
            pulse=v.pulse,
            respiratory_rate=v.respiratory_rate,
            temperature=v.temperature_c,
            temperature_unit="C",
            spo2=v.spo2,
            height=v.height_cm,
            height_unit="cm",
            weight=v.weight_kg,
            weight_unit="kg",
            pain=v.pain,
            age_years=age,
        )
        assert reading.bmi == v.bmi
        assert reading.flags == v.flags
    assert any(v.flags for v in vitals)
    assert any(not v.flags for v in vitals)


def test_all_provider_npis_pass_validation(db, demo):
    # given the demo providers
    npis = list(Provider.objects.filter(clinic=demo.clinic).values_list("npi", flat=True))

    # then every NPI is ten digits with a right check digit, and no two are the same
    assert len(npis) == 6 and len(set(npis)) == 6
    assert all(npi_is_valid(npi) for npi in npis)


def test_every_patient_phone_number_validates(db, demo):
    # given every phone number on a demo patient
    rows = Patient.objects.filter(clinic=demo.clinic).values_list(
        "phone_mobile", "phone_home", "emergency_contact_phone"
    )

    # then each is a valid number, already in E.164, and every patient can be called
    for mobile, home, emergency in rows:
        assert mobile
        for number in (mobile, home, emergency):
            if number:
                assert phone_e164(number, field="phone") == number


def test_patients_are_distinct_people_with_mrns_from_the_clinic_counter(db, demo):
    # given the demo patients
    patients = list(Patient.objects.filter(clinic=demo.clinic))
    demo.clinic.refresh_from_db()

    # then no two share a name (so none is a near-duplicate of another), the search keys are
    # the app's normalization, and the MRN counter continues after the last MRN handed out
    assert len({(p.first_name_key, p.last_name_key) for p in patients}) == 500
    assert all(p.first_name_key == name_key(p.first_name) for p in patients)
    assert all(p.last_name_key == name_key(p.last_name) for p in patients)
    assert sorted(p.mrn for p in patients) == [f"RF{n:06d}" for n in range(1, 501)]
    assert demo.clinic.next_mrn == 501
    today = demo.pivot.date()
    ages = [p.age_on(today) for p in patients]
    assert min(ages) == 0 and max(ages) >= 85
    assert all(p.created_at.date() >= p.date_of_birth for p in patients)
    self_pay = [p for p in patients if not p.coverages.exists()]
    assert 0 < len(self_pay) < 50


def test_demo_logins_work_for_every_role(db, demo):
    # given the printed demo logins
    logins = demodata.logins()

    # then each one logs in, and together they cover every role
    roles = set()
    for username, _what, password in logins:
        user = authenticate(username=username, password=password)
        assert user is not None and user.clinic_id == demo.clinic.pk
        roles.add(user.role)
    assert roles == set(Role.values)
    assert User.objects.get(username="admin").is_staff
    assert User.objects.get(username="doctor").provider.clinic_id == demo.clinic.pk


def test_running_demo_again_changes_nothing(db, demo):
    # given the demo is loaded
    before = _table_counts()
    out = io.StringIO()

    # when it is run again
    call_command("demo", stdout=out)

    # then it says so, prints the logins, and no row was added or removed
    assert "already loaded" in out.getvalue()
    assert "medassist-demo" in out.getvalue()
    assert _table_counts() == before


def test_running_demo_on_a_later_day_says_how_to_move_it_to_today(db, demo):
    # given a demo loaded two days ago
    Clinic.objects.filter(pk=demo.clinic.pk).update(created_at=timezone.now() - timedelta(days=2))
    before = _table_counts()
    out = io.StringIO()

    # when demo is run today
    call_command("demo", stdout=out)

    # then it changes nothing and says how to bring the demo to today
    assert "already loaded" in out.getvalue()
    assert "`medassist demo --reset` moves it to today" in out.getvalue()
    assert _table_counts() == before


def test_reset_loads_the_same_clinic_again_and_leaves_other_clinics_alone(db, demo):
    # given the demo's fingerprint, and a note on the encounter of the visit a doctor is in
    # (with its append-only history and audit events), written while trying the demo
    before = _fingerprint(demo.clinic)
    charts_before = _chart_fingerprint(demo.clinic)
    doctor = User.objects.get(username="doctor")
    # (early on some days nobody is with her yet: then her last finished visit)
    visit = (
        Appointment.objects.filter(
            provider__user=doctor, status__in=[Status.WITH_PROVIDER, Status.CHECKED_OUT]
        )
        .order_by("-status", "-start")  # with_provider sorts after checked_out
        .first()
    )
    encounter = encounter_for_appointment(actor=doctor, appointment=visit)
    note_create(actor=doctor, encounter=encounter, title="Progress note", body="Seen today.")
    assert ChartHistory.objects.filter(actor=doctor).exists()
    # and another clinic with its own staff, patient, appointment and audit trail
    harbor = factories.make_clinic(name="Harbor Pediatrics")
    desk = factories.make_user(harbor, "front_desk", "harbor_desk")
    doctor = factories.make_user(harbor, "physician", "harbor_doc")
    provider = factories.make_provider(harbor, user=doctor, npi="1245319599")
    patient = factories.make_patient(desk, first_name="Robin", last_name="Harbor")
    appointment = factories.book(desk, patient, provider)
    other_audit = AuditEvent.objects.filter(clinic=harbor).count()
    assert other_audit > 0
    out = io.StringIO()

    # when the demo is reset through the command
    call_command("demo", reset=True, stdout=out)

    # then it is the same clinic again, patient for patient and appointment for appointment
    _assert_foreign_keys_hold()
    assert "Loaded" in out.getvalue()
    reloaded = Clinic.objects.get(name="Riverside Family Medicine")
    assert reloaded.pk != demo.clinic.pk
    assert _fingerprint(reloaded) == before
    assert _chart_fingerprint(reloaded) == charts_before
    assert not ChartHistory.objects.filter(patient__clinic=demo.clinic).exists()
    assert not AuditEvent.objects.filter(clinic=demo.clinic).exists()
    # and the other clinic lost nothing
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert Appointment.objects.filter(pk=appointment.pk).exists()
    assert AuditEvent.objects.filter(clinic=harbor).count() == other_audit
    # and the purge of the old demo clinic's audit trail is itself on record
    purge = AuditEvent.objects.get(action=AuditEvent.Action.PURGE)
    assert (purge.clinic_id, purge.detail["clinic"], purge.detail["reason"]) == (
        None,
        "Riverside Family Medicine",
        "demo reset",
    )
    assert purge.detail["removed"]["events"] > 0
    assert User.objects.filter(pk=desk.pk).exists()


def test_demo_refuses_to_load_when_a_demo_username_is_taken(db, demo):
    # given a database without the demo where someone already uses the username "frontdesk"
    demodata.delete()
    clinic = factories.make_clinic()
    factories.make_user(clinic, "front_desk", "frontdesk")
    before = _table_counts()

    # when the demo is loaded
    with pytest.raises(CommandError) as refused:
        call_command("demo", stdout=io.StringIO())

    # then it says which usernames clash and loads nothing
    assert "frontdesk" in str(refused.value)
    assert _table_counts() == before


def test_pivot_stays_within_clinic_hours():
    # given a day in the clinic's zone
    tz = ZoneInfo("America/New_York")
    day = datetime(2026, 3, 9, tzinfo=tz)

    # when the demo is loaded early, at midday and late
    early = demo_visits.pivot_for(day.replace(hour=6, minute=5), tz)
    midday = demo_visits.pivot_for(day.replace(hour=12, minute=47, second=30), tz)
    late = demo_visits.pivot_for(day.replace(hour=22), tz)

    # then today is staged at a moment with a morning behind it and an afternoon ahead
    assert (early.hour, early.minute) == (10, 30)
    assert (midday.hour, midday.minute, midday.second) == (12, 47, 0)
    assert (late.hour, late.minute) == (15, 30)
    assert early.date() == midday.date() == late.date() == day.date()

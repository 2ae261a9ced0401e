"""Set-up services for the clinic, its locations, rooms, providers, visit types and payers:
validated, scoped to the actor's clinic, audited in the same transaction."""

from __future__ import annotations

import pytest

from medassist.audit.models import AuditEvent
from medassist.core.errors import NotFound, PermissionDenied, ValidationFailed
from medassist.practice import services
from medassist.practice.errors import AlreadyExists, Code
from medassist.practice.models import Clinic, Location, Payer, Provider, Room, User, VisitType
from tests import factories
from tests.practice.state import setup_state


@pytest.fixture
def location(clinic):
    return Location.objects.get(clinic=clinic)


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operator", password="an operator pass")


def _last_event(obj) -> AuditEvent:
    return AuditEvent.objects.filter(object_id=str(obj.public_id)).order_by("-id").first()


# ---------------------------------------------------------------------------- clinic


def test_a_clinic_admin_changes_their_clinic_and_the_audit_says_from_what_to_what(
    clinic_admin, clinic
):
    # when
    services.clinic_update(
        actor=clinic_admin, clinic=clinic, name="Maple Family Health", phone="518 555 0100"
    )
    # then
    clinic.refresh_from_db()
    assert (clinic.name, clinic.phone) == ("Maple Family Health", "+15185550100")
    event = _last_event(clinic)
    assert event.action == "update" and event.actor == clinic_admin
    assert event.clinic_id == clinic.pk
    assert event.detail["changed"]["name"] == {
        "from": "Maple Family Medicine",
        "to": "Maple Family Health",
    }


@pytest.mark.parametrize(
    "field,value,says",
    [
        ("timezone", "Mars/Olympus_Mons", "time zone"),
        ("state", "ZZ", "not a US state"),
        ("state", "", "state is required"),
        ("mrn_prefix", "MF-2026", "1 to 6 letters or digits"),
        ("phone", "555", "phone number"),
        ("name", "", "cannot be blank"),
    ],
)
def test_a_bad_clinic_detail_is_refused_with_its_field_and_nothing_changes(
    clinic_admin, clinic, field, value, says
):
    # given
    before = setup_state()
    # when
    with pytest.raises(ValidationFailed) as err:
        services.clinic_update(actor=clinic_admin, clinic=clinic, **{field: value})
    # then
    assert says in err.value.message
    assert field in err.value.errors
    assert setup_state() == before


def test_a_new_mrn_prefix_is_upper_cased(clinic_admin, clinic):
    services.clinic_update(actor=clinic_admin, clinic=clinic, mrn_prefix="mfm")
    clinic.refresh_from_db()
    assert clinic.mrn_prefix == "MFM"


def test_only_an_operator_opens_a_clinic(clinic_admin, operator):
    # when a clinic admin tries
    with pytest.raises(PermissionDenied):
        services.clinic_create(
            actor=clinic_admin, name="Side Clinic", timezone="America/Chicago", state="IL"
        )
    # then an operator can, and it is audited
    clinic = services.clinic_create(
        actor=operator, name="Side Clinic", timezone="America/Chicago", state="il"
    )
    assert clinic.state == "IL"
    assert _last_event(clinic).action == "create"


def test_another_clinics_admin_finds_no_such_clinic(clinic, other_clinic):
    # given
    stranger = factories.make_user(other_clinic, "clinic_admin", "otheradmin")
    before = setup_state()
    # when
    with pytest.raises(NotFound):
        services.clinic_update(actor=stranger, clinic=clinic, name="Taken over")
    # then
    assert setup_state() == before


# ---------------------------------------------------------------------------- locations, rooms


def test_a_new_location_is_normalized_and_audited(clinic_admin, clinic):
    # when
    loc = services.location_create(
        actor=clinic_admin,
        clinic=clinic,
        name="  Troy Branch ",
        city="Troy",
        state="ny",
        postal_code="12180",
        phone="(518) 555-0123",
    )
    # then
    assert (loc.name, loc.state, loc.phone) == ("Troy Branch", "NY", "+15185550123")
    assert loc.created_by == clinic_admin
    assert _last_event(loc).detail == {"name": "Troy Branch"}


def test_a_location_name_already_used_in_the_clinic_is_refused_whatever_its_case(
    clinic_admin, clinic, location
):
    before = setup_state()
    with pytest.raises(AlreadyExists) as err:
        services.location_create(actor=clinic_admin, clinic=clinic, name=location.name.upper())
    assert err.value.code == Code.ALREADY_EXISTS == "already_exists"
    assert err.value.errors == {"name": [err.value.message]}
    assert setup_state() == before


def test_a_bad_zip_code_is_refused(clinic_admin, clinic):
    with pytest.raises(ValidationFailed, match="ZIP"):
        services.location_create(actor=clinic_admin, clinic=clinic, name="X", postal_code="1218")


def test_a_location_goes_out_of_use_only_after_its_rooms(clinic_admin, location):
    # when its rooms are in use
    with pytest.raises(ValidationFailed, match="Exam 1, Exam 2, Exam 3"):
        services.location_update(actor=clinic_admin, location=location, active=False)
    # then, once they are out of use, it can go too
    for room in location.rooms.all():
        services.room_update(actor=clinic_admin, room=room, active=False)
    services.location_update(actor=clinic_admin, location=location, active=False)
    location.refresh_from_db()
    assert location.active is False
    assert _last_event(location).detail["changed"] == {"active": {"from": True, "to": False}}


def test_a_room_cannot_come_back_into_use_while_its_location_is_out_of_use(clinic_admin, location):
    # given
    for r in location.rooms.all():
        services.room_update(actor=clinic_admin, room=r, active=False)
    services.location_update(actor=clinic_admin, location=location, active=False)
    room = location.rooms.first()
    # when / then
    with pytest.raises(ValidationFailed, match="out of use"):
        services.room_update(actor=clinic_admin, room=room, active=True)


def test_rooms_are_named_once_per_location_but_the_name_may_repeat_elsewhere(
    clinic_admin, clinic, location
):
    # given
    branch = services.location_create(actor=clinic_admin, clinic=clinic, name="Branch")
    # when / then
    with pytest.raises(AlreadyExists):
        services.room_create(actor=clinic_admin, location=location, name="exam 1")
    room = services.room_create(actor=clinic_admin, location=branch, name="Exam 1", kind="lab")
    assert (room.location, room.kind) == (branch, "lab")


def test_a_room_moves_only_to_a_location_of_its_own_clinic(clinic_admin, location, other_clinic):
    # given
    room = location.rooms.first()
    elsewhere = Location.objects.get(clinic=other_clinic)
    before = setup_state()
    # when
    with pytest.raises(NotFound):
        services.room_update(actor=clinic_admin, room=room, location=elsewhere)
    # then
    assert setup_state() == before


def test_a_room_kind_must_be_one_of_the_kinds(clinic_admin, location):
    with pytest.raises(ValidationFailed) as err:
        services.room_create(actor=clinic_admin, location=location, name="Closet", kind="closet")
    assert "kind" in err.value.errors


# ---------------------------------------------------------------------------- providers


def test_a_provider_is_created_with_a_checked_npi_and_locations(clinic_admin, clinic, location):
    # when
    provider = services.provider_create(
        actor=clinic_admin,
        clinic=clinic,
        first_name="Lee",
        last_name="Wong",
        credentials="NP",
        npi="1003000126",
        locations=[location],
    )
    # then
    assert list(provider.locations.all()) == [location]
    event = _last_event(provider)
    assert event.action == "create"
    assert event.detail["npi"] == "1003000126"
    assert event.detail["locations"] == [location.name]


def test_an_npi_with_a_wrong_check_digit_is_refused_and_nothing_saved(clinic_admin, clinic):
    before = setup_state()
    with pytest.raises(ValidationFailed) as err:
        services.provider_create(
            actor=clinic_admin, clinic=clinic, first_name="Lee", last_name="Wong", npi="1234567890"
        )
    assert err.value.message == "NPI: This NPI's check digit is wrong; please re-check the number."
    assert setup_state() == before


def test_an_npi_is_used_once_per_clinic(clinic_admin, clinic, provider, other_clinic_physician):
    # when this clinic already has it
    with pytest.raises(AlreadyExists, match=provider.display_name):
        services.provider_create(
            actor=clinic_admin, clinic=clinic, first_name="A", last_name="B", npi=provider.npi
        )
    # then another clinic's NPI is not this clinic's concern
    other_npi = other_clinic_physician.provider.npi
    copy = services.provider_create(
        actor=clinic_admin, clinic=clinic, first_name="Olga", last_name="Other", npi=other_npi
    )
    assert copy.clinic == clinic


def test_a_provider_works_only_at_their_clinics_locations(clinic_admin, provider, other_clinic):
    before = setup_state()
    with pytest.raises(NotFound):
        services.provider_update(
            actor=clinic_admin,
            provider=provider,
            locations=[Location.objects.get(clinic=other_clinic)],
        )
    assert setup_state() == before


def test_changing_a_providers_locations_is_audited_by_name(clinic_admin, clinic, provider):
    # given
    branch = services.location_create(actor=clinic_admin, clinic=clinic, name="Branch")
    # when
    services.provider_update(actor=clinic_admin, provider=provider, locations=[branch])
    # then
    assert list(provider.locations.all()) == [branch]
    changed = _last_event(provider).detail["changed"]
    assert changed == {"locations": {"from": ["Maple Family Medicine Main"], "to": ["Branch"]}}


def test_a_login_is_linked_to_one_provider_of_its_own_clinic(
    clinic_admin, clinic, provider, physician, medical_assistant, other_clinic_physician
):
    # given
    other = factories.make_provider(clinic)
    # when the account is already the login of another provider, or of another clinic
    with pytest.raises(AlreadyExists):
        services.provider_link_user(actor=clinic_admin, provider=other, user=physician)
    with pytest.raises(NotFound):
        services.provider_link_user(actor=clinic_admin, provider=other, user=other_clinic_physician)
    # then a free account of the clinic can be linked, and unlinked, each audited
    services.provider_link_user(actor=clinic_admin, provider=other, user=medical_assistant)
    services.provider_link_user(actor=clinic_admin, provider=other, user=None)
    other.refresh_from_db()
    assert other.user is None
    assert _last_event(other).detail["changed"] == {"user": {"from": "ma", "to": None}}


def test_a_provider_taken_off_new_bookings_stays_with_their_history(clinic_admin, provider):
    services.provider_update(actor=clinic_admin, provider=provider, active=False)
    assert Provider.objects.get(pk=provider.pk).active is False


# ---------------------------------------------------------------------------- visit types, payers


def test_a_visit_type_code_is_lower_cased_and_unique_in_the_clinic(clinic_admin, clinic):
    vt = services.visit_type_create(
        actor=clinic_admin,
        clinic=clinic,
        name="Wound check",
        code="Wound-Check",
        duration_minutes=15,
    )
    assert vt.code == "wound-check"
    with pytest.raises(AlreadyExists, match="Follow-up"):
        services.visit_type_update(actor=clinic_admin, visit_type=vt, code="follow-up")


@pytest.mark.parametrize("minutes", [0, 4, 481, True])
def test_a_visit_type_lasts_5_to_480_whole_minutes(clinic_admin, clinic, minutes):
    before = setup_state()
    with pytest.raises(ValidationFailed) as err:
        services.visit_type_create(
            actor=clinic_admin, clinic=clinic, name="Odd", code="odd", duration_minutes=minutes
        )
    assert "duration_minutes" in err.value.errors
    assert setup_state() == before


def test_a_visit_type_change_is_audited_with_what_changed(clinic_admin, clinic):
    vt = VisitType.objects.get(clinic=clinic, code="new")
    services.visit_type_update(actor=clinic_admin, visit_type=vt, duration_minutes=45, active=False)
    assert _last_event(vt).detail["changed"] == {
        "duration_minutes": {"from": 40, "to": 45},
        "active": {"from": True, "to": False},
    }


def test_payers_are_unique_by_name_and_by_payer_id(clinic_admin, clinic):
    # given the clinic's "Acme Health", payer id 60054
    before = setup_state()
    # when / then
    with pytest.raises(AlreadyExists, match="named"):
        services.payer_create(actor=clinic_admin, clinic=clinic, name="ACME health")
    with pytest.raises(AlreadyExists, match="payer id"):
        services.payer_create(actor=clinic_admin, clinic=clinic, name="Other", payer_id="60054")
    with pytest.raises(ValidationFailed, match="letters and digits"):
        services.payer_create(actor=clinic_admin, clinic=clinic, name="Other", payer_id="60-054")
    assert setup_state() == before
    payer = services.payer_create(actor=clinic_admin, clinic=clinic, name="Blue", payer_id="sx065")
    assert payer.payer_id == "SX065"
    assert _last_event(payer).detail == {"name": "Blue", "payer_id": "SX065"}


def test_an_update_that_changes_nothing_writes_no_audit_event(clinic_admin, clinic):
    payer = Payer.objects.get(clinic=clinic)
    before = setup_state()
    services.payer_update(actor=clinic_admin, payer=payer, name=payer.name, active=True)
    assert setup_state() == before


# ---------------------------------------------------------------------------- who may


def _every_write(clinic, location):
    room = Room.objects.filter(location=location).first()
    return [
        lambda a: services.clinic_update(actor=a, clinic=clinic, name="X"),
        lambda a: services.location_create(actor=a, clinic=clinic, name="X"),
        lambda a: services.location_update(actor=a, location=location, city="X"),
        lambda a: services.room_create(actor=a, location=location, name="X"),
        lambda a: services.room_update(actor=a, room=room, name="Exam Z"),
        lambda a: services.provider_create(
            actor=a, clinic=clinic, first_name="X", last_name="Y", npi="1902809254"
        ),
        lambda a: services.visit_type_create(
            actor=a, clinic=clinic, name="X", code="x", duration_minutes=10
        ),
        lambda a: services.payer_create(actor=a, clinic=clinic, name="X"),
    ]


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician", "biller"])
def test_only_clinic_admins_set_up_the_clinic_and_a_refusal_changes_nothing(
    cast, role, clinic, location
):
    # given
    before = setup_state()
    for write in _every_write(clinic, location):
        # when
        with pytest.raises(PermissionDenied):
            write(cast[role])
    # then
    assert setup_state() == before


def test_an_operator_may_set_up_any_clinic(operator, clinic, location):
    for write in _every_write(clinic, location):
        write(operator)
    assert Clinic.objects.get(pk=clinic.pk).name == "X"
    assert AuditEvent.objects.filter(actor=operator, clinic=clinic).count() == 8


def test_a_refused_change_leaves_the_callers_object_as_it_was(clinic_admin, location):
    # when
    with pytest.raises(ValidationFailed):
        services.location_update(actor=clinic_admin, location=location, name="", active=False)
    # then the object in hand still says what the database says
    assert (location.name, location.active) == ("Maple Family Medicine Main", True)

from datetime import date

import pytest

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.patients.errors import DuplicatePatient
from medassist.patients.models import Patient
from medassist.patients.services import patient_register, patient_update


def _values(**over):
    data = dict(
        first_name="Ana",
        last_name="García",
        date_of_birth=date(1990, 2, 3),
        sex="F",
        phone_mobile="518 555 0199",
    )
    data.update(over)
    return data


def test_registration_assigns_mrn_normalizes_phone_and_audits(front_desk):
    # when
    p = patient_register(actor=front_desk, **_values())
    # then
    assert p.mrn == "MF000001"
    assert p.phone_mobile == "+15185550199"
    event = AuditEvent.objects.get(patient=p, action="create")
    assert event.actor == front_desk and event.actor_role == "front_desk"


def test_mrns_are_sequential_per_clinic(front_desk):
    a = patient_register(actor=front_desk, **_values(first_name="A"))
    b = patient_register(actor=front_desk, **_values(first_name="B"))
    assert (a.mrn, b.mrn) == ("MF000001", "MF000002")


def test_same_name_and_birth_date_is_refused_as_a_possible_duplicate(front_desk):
    # given
    first = patient_register(actor=front_desk, **_values())
    # when
    with pytest.raises(DuplicatePatient) as err:
        patient_register(actor=front_desk, **_values(first_name="ana", last_name="Garcia"))
    # then: accents and case do not hide the duplicate, and nothing was saved
    assert first.mrn in err.value.message
    assert Patient.objects.count() == 1


def test_a_confirmed_different_person_with_the_same_name_can_be_registered(front_desk):
    patient_register(actor=front_desk, **_values())
    patient_register(actor=front_desk, allow_duplicate=True, **_values())
    assert Patient.objects.count() == 2


@pytest.mark.parametrize(
    "field,value,fragment",
    [
        ("phone_mobile", "555", "phone"),
        ("date_of_birth", date(2999, 1, 1), "future"),
        ("sex", "Q", "valid choice"),
        ("email", "not-an-email", "email"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message_and_saves_nothing(
    front_desk, field, value, fragment
):
    with pytest.raises(ValidationFailed) as err:
        patient_register(actor=front_desk, **_values(**{field: value}))
    assert fragment in str(err.value.errors).lower() or fragment in err.value.message.lower()
    assert Patient.objects.count() == 0
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == 0


def test_biller_may_not_register_patients(biller):
    with pytest.raises(PermissionDenied):
        patient_register(actor=biller, **_values())
    assert Patient.objects.count() == 0


def test_update_records_which_fields_changed(front_desk, patient):
    patient_update(actor=front_desk, patient=patient, city="Troy", phone_home="(518) 555-0123")
    patient.refresh_from_db()
    assert patient.city == "Troy" and patient.phone_home == "+15185550123"
    event = AuditEvent.objects.filter(patient=patient, action="update").get()
    assert event.detail["changed"] == ["city", "phone_home"]

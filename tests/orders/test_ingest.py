"""ORU^R01 in: matched to order and patient, filed once, never to a guessed patient."""

from __future__ import annotations

import pytest

from medassist.orders.hl7 import read_messages
from medassist.orders.ingest import receive, unmatched_file
from medassist.orders.models import HL7Message, Order, ResultLink, WorkItem
from medassist.orders.selectors import inbox_items
from medassist.orders.services import specimens_collect
from medassist.records.models import Observation
from tests.orders.samples import oru


def msg_for(order, **kw):
    p = order.patient
    base = {
        "mrn": p.mrn,
        "family": p.last_name,
        "given": p.first_name,
        "dob": p.date_of_birth.strftime("%Y%m%d"),
        "placer": order.placer_number,
    }
    base.update(kw)
    return oru(**base)


def ack_code(outcome):
    (m,) = read_messages(outcome.ack)
    return m.first("MSA").msa_1.to_er7()


def test_result_filed_as_observations_with_alert(medical_assistant, physician, lipid_order):
    specimens_collect(
        actor=medical_assistant, order=lipid_order, site="L arm", fasting_confirmed=True
    )
    (out,) = receive(actor=medical_assistant, data=msg_for(lipid_order))
    assert out.state == "filed" and out.results == 3 and ack_code(out) == "AA"
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.RESULTED and lipid_order.abnormal
    obs = Observation.objects.filter(patient=lipid_order.patient).order_by("code")
    assert [o.code for o in obs] == ["2085-9", "2093-3", "2571-8"]
    chol = obs.get(code="2093-3")
    assert chol.value_quantity == 242 and chol.value_unit == "mg/dL" and chol.interpretation == "H"
    assert chol.reference_range == "<200"
    assert ResultLink.objects.filter(order=lipid_order).count() == 3
    (alert,) = WorkItem.objects.filter(kind=WorkItem.Kind.ABNORMAL)
    assert alert.assignee == physician
    items = inbox_items(clinic=lipid_order.clinic, user=physician)
    assert any(i.kind == "abnormal_result" and i.clinician_only for i in items)
    assert not inbox_items(clinic=lipid_order.clinic, user=medical_assistant) or all(
        not i.clinician_only for i in inbox_items(clinic=lipid_order.clinic, user=medical_assistant)
    )


def test_same_control_id_files_once(medical_assistant, lipid_order):
    text = msg_for(lipid_order)
    receive(actor=medical_assistant, data=text)
    (again,) = receive(actor=medical_assistant, data=text)
    assert again.state == "duplicate" and ack_code(again) == "AA"
    assert Observation.objects.count() == 3
    assert HL7Message.objects.count() == 1


def test_critical_flag_is_urgent(medical_assistant, physician, lipid_order):
    results = [("2093-3", "Cholesterol", "NM", "650", "mg/dL", "<200", "HH")]
    receive(actor=medical_assistant, data=msg_for(lipid_order, results=results))
    (alert,) = WorkItem.objects.filter(kind=WorkItem.Kind.CRITICAL)
    (item,) = [
        i
        for i in inbox_items(clinic=lipid_order.clinic, user=physician)
        if i.kind == "critical_result"
    ]
    assert item.urgent and item.assignee_id == physician.pk


@pytest.mark.parametrize(
    "change, why",
    [
        ({"dob": "19800518"}, "date of birth"),
        ({"family": "Reyez"}, "family name"),
        ({"given": "Jordana"}, "given name"),
        ({"mrn": "MF999999"}, "No patient has MRN"),
        ({"placer": "O000000NOPE"}, "No open order"),
        ({"placer": ""}, "names no order"),
    ],
)
def test_mismatch_goes_to_the_work_queue(medical_assistant, lipid_order, change, why):
    (out,) = receive(actor=medical_assistant, data=msg_for(lipid_order, **change))
    assert out.state == "unmatched" and why in out.error
    assert not Observation.objects.exists()
    (item,) = WorkItem.objects.filter(kind=WorkItem.Kind.UNMATCHED)
    assert item.message.state == HL7Message.State.UNMATCHED and why in item.title


def test_unmatched_filed_by_a_person_only_when_demographics_agree(medical_assistant, lipid_order):
    receive(actor=medical_assistant, data=msg_for(lipid_order, placer=""))
    item = WorkItem.objects.get(kind=WorkItem.Kind.UNMATCHED)
    out = unmatched_file(actor=medical_assistant, item=item, order=lipid_order)
    assert out.state == "filed" and Observation.objects.count() == 3
    item.refresh_from_db()
    assert item.done_at is not None
    # and the same message again is a duplicate
    (again,) = receive(actor=medical_assistant, data=msg_for(lipid_order, placer=""))
    assert again.state == "duplicate"


def test_unmatched_wrong_person_stays_held(medical_assistant, lipid_order):
    receive(actor=medical_assistant, data=msg_for(lipid_order, dob="19700101"))
    item = WorkItem.objects.get(kind=WorkItem.Kind.UNMATCHED)
    from medassist.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        unmatched_file(actor=medical_assistant, item=item, order=lipid_order)
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    "mangle, code",
    [
        (lambda t: t.replace("|242|", "|two hundred|"), "AE"),
        (lambda t: t.replace("PID|1", "NTE|1"), "AE"),
        (lambda t: t.replace("ORU^R01^ORU_R01", "ADT^A01"), "AR"),
        (lambda t: t.replace("|CTRL-1|", "||"), "AR"),
        (lambda t: "garbage", "AR"),
    ],
)
def test_malformed_files_nothing(medical_assistant, lipid_order, mangle, code):
    (out,) = receive(actor=medical_assistant, data=mangle(msg_for(lipid_order)))
    assert out.state in ("error", "rejected") and out.error
    assert ack_code(out) == code
    assert not Observation.objects.exists() and not HL7Message.objects.exists()
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.ORDERED


def test_front_desk_may_not_file(front_desk, lipid_order):
    from medassist.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        receive(actor=front_desk, data=msg_for(lipid_order))

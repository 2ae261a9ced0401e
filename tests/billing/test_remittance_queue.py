# ruff: noqa: F811  (sent_claim is a fixture imported from test_remittance)
"""The 835 work queue: a person resolves an unmatched remittance line (sees why, finds the
claim, posts it once) or marks it handled with a reason; a paper remittance typed in on its
screen. Who may and who is refused; a refused request changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medassist.audit.models import AuditEvent
from medassist.billing import selectors, services
from medassist.billing.models import ClaimStatus, LedgerEntry, RemittanceLine
from medassist.billing.services_remit import remittance_line_post, remittance_line_resolve
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from tests import factories
from tests.billing.test_remittance import era, sent_claim  # noqa: F401  (fixture)


@pytest.fixture
def dropped(biller, sent_claim):
    """An 835 that dropped modifier 25 from 99213: that service line waits for a person."""
    services.remittance_import_835(actor=biller, data=era(sent_claim.number, svc_mods=""))
    return RemittanceLine.objects.get(state="unmatched")


@pytest.fixture
def unknown(biller, sent_claim):
    """An 835 for a claim number that is none of ours (e.g. the payer's typo)."""
    services.remittance_import_835(actor=biller, data=era("MA-TYPO-1"))
    return RemittanceLine.objects.get(state="unmatched")


def _money_state() -> tuple:
    return (
        LedgerEntry.objects.count(),
        list(RemittanceLine.objects.order_by("id").values_list("state", "claim_line_id")),
    )


# --- services ------------------------------------------------------------------------------


def test_posting_an_unmatched_line_posts_it_once(biller, dropped, sent_claim):
    # given a service line the import could not match (modifier dropped by the payer)
    line1 = sent_claim.lines.get(number=1)
    patient = sent_claim.patient
    assert line1.paid == 0
    # when the biller posts it to line 1, twice (a retried click)
    remittance_line_post(actor=biller, line=dropped, claim=sent_claim, claim_line=line1)
    entries = LedgerEntry.objects.count()
    again = remittance_line_post(actor=biller, line=dropped, claim=sent_claim, claim_line=line1)
    # then the payment, adjustment and patient share are posted once
    assert LedgerEntry.objects.count() == entries
    line1.refresh_from_db()
    assert (line1.paid, line1.adjusted, line1.patient_responsibility) == (
        Decimal("80.00"),
        Decimal("10.00"),
        Decimal("20.00"),
    )
    assert selectors.patient_balance(patient=patient) == Decimal("20.00")
    assert selectors.insurance_balance(patient=patient) == Decimal("0.00")
    assert (again.state, again.resolution, again.resolved_by) == ("resolved", "posted", biller)
    assert AuditEvent.objects.filter(
        object_type="billing.RemittanceLine", object_id=str(dropped.public_id), action="transition"
    ).exists()
    # and posting it elsewhere afterwards is refused
    with pytest.raises(Conflict):
        remittance_line_post(
            actor=biller, line=dropped, claim=sent_claim, claim_line=sent_claim.lines.get(number=2)
        )
    assert LedgerEntry.objects.count() == entries


def test_a_service_line_needs_a_claim_line_and_a_line_of_that_claim(
    biller, dropped, sent_claim, insured, visit_day
):
    patient, coverage = insured
    other = services.claim_create(
        actor=biller,
        patient=patient,
        coverage=coverage,
        service_date=visit_day,
        diagnoses=["I10"],
        lines=[services.LineInput("99212")],
    )
    before = _money_state()
    with pytest.raises(ValidationFailed, match="choose the claim line"):
        remittance_line_post(actor=biller, line=dropped, claim=sent_claim, claim_line=None)
    with pytest.raises(ValidationFailed, match="is not a line of claim"):
        remittance_line_post(
            actor=biller, line=dropped, claim=sent_claim, claim_line=other.lines.get()
        )
    assert _money_state() == before


def test_marking_handled_needs_a_reason_and_posts_nothing(biller, unknown):
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationFailed):
        remittance_line_resolve(actor=biller, line=unknown, reason="posted")
    with pytest.raises(ValidationFailed, match="how it was handled"):
        remittance_line_resolve(actor=biller, line=unknown, reason="other", note=" ")
    handled = remittance_line_resolve(
        actor=biller, line=unknown, reason="not_ours", note="Returned to payer"
    )
    assert (handled.state, handled.resolution, handled.resolution_note) == (
        "resolved",
        "not_ours",
        "Returned to payer",
    )
    assert LedgerEntry.objects.count() == before
    assert selectors.biller_worklist(user=biller).unmatched == []
    with pytest.raises(Conflict):
        remittance_line_resolve(actor=biller, line=unknown, reason="duplicate")


def test_other_clinic_and_other_roles_cannot_touch_the_line(
    biller, dropped, sent_claim, front_desk, other_clinic_physician, other_clinic
):
    before = _money_state()
    line1 = sent_claim.lines.get(number=1)
    other_biller = factories.make_user(other_clinic, "biller", "otherbiller")
    with pytest.raises(NotFound):
        remittance_line_post(actor=other_biller, line=dropped, claim=sent_claim, claim_line=line1)
    with pytest.raises(NotFound):
        remittance_line_resolve(actor=other_biller, line=dropped, reason="duplicate")
    for user in (front_desk, other_clinic_physician):
        with pytest.raises(Exception) as info:
            remittance_line_post(actor=user, line=dropped, claim=sent_claim, claim_line=line1)
        assert info.value.status == 403
    assert _money_state() == before


def test_claim_search_by_patient_number_and_date(biller, sent_claim, front_desk):
    patient = sent_claim.patient
    by_name = selectors.claim_search(user=biller, q=f"{patient.last_name}, {patient.first_name}")
    assert [c.pk for c in by_name] == [sent_claim.pk]
    assert selectors.claim_search(user=biller, q=sent_claim.number)[0].pk == sent_claim.pk
    assert selectors.claim_search(user=biller, q=patient.mrn)[0].pk == sent_claim.pk
    on_day = selectors.claim_search(user=biller, service_date=sent_claim.service_date)
    assert [c.pk for c in on_day] == [sent_claim.pk]
    assert selectors.claim_search(user=biller, q="Nobody-at-all") == []
    assert selectors.claim_search(user=biller) == []


# --- the screen ----------------------------------------------------------------------------


def test_the_line_screen_explains_and_posts(client_for, biller, dropped, sent_claim):
    client = client_for(biller)
    url = f"/billing/remittance/lines/{dropped.public_id}/"
    # given the worklist links the line to its screen
    assert url in client.get("/billing/worklist/").content.decode()
    page = client.get(url).content.decode()
    # then the screen says why in words and offers the claim's lines
    assert "dropped modifier 25" in page
    assert "Contractual obligation" in page or "CO-45" in page
    assert f'value="{sent_claim.public_id}:1"' in page
    # when the biller posts it to line 1, twice
    data = {"action": "post", "target": f"{sent_claim.public_id}:1", "note": "25 was dropped"}
    assert client.post(url, data).status_code == 302
    entries = LedgerEntry.objects.count()
    assert client.post(url, data).status_code == 302
    assert LedgerEntry.objects.count() == entries
    done = client.get(url).content.decode()
    assert "Posted to claim" in done and "25 was dropped" in done
    assert sent_claim.lines.get(number=1).paid == Decimal("80.00")


def test_unknown_claim_found_by_patient_name_on_the_screen(client_for, biller, unknown, sent_claim):
    client = client_for(biller)
    url = f"/billing/remittance/lines/{unknown.public_id}/"
    page = client.get(url).content.decode()
    assert "none of ours" in page and "No claim found" in page
    found = client.get(url, {"q": sent_claim.patient.last_name}).content.decode()
    assert sent_claim.number in found
    response = client.post(url, {"action": "post", "target": f"{sent_claim.public_id}:"})
    assert response.status_code == 302
    unknown.refresh_from_db()
    assert unknown.claim_id == sent_claim.pk and unknown.claim_line_id is None
    sent_claim.refresh_from_db()
    assert sent_claim.status == ClaimStatus.PAID


def test_the_line_screen_marks_handled_and_refuses_bad_posts(client_for, biller, dropped):
    client = client_for(biller)
    url = f"/billing/remittance/lines/{dropped.public_id}/"
    before = _money_state()
    refused = client.post(url, {"action": "resolve", "reason": "other", "note": ""})
    assert refused.status_code == 422 and "how it was handled" in refused.content.decode()
    assert client.post(url, {"action": "post", "target": ""}).status_code == 422
    assert client.post(url, {"action": "post", "target": "not-a-uuid:1"}).status_code in (
        404,
        422,
    )
    assert client.post(url, {"action": "nonsense"}).status_code == 422
    assert _money_state() == before
    ok = client.post(url, {"action": "resolve", "reason": "take_back", "note": "Recouped"})
    assert ok.status_code == 302
    assert "Take-back" in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician"])
def test_roles_without_claims_are_refused_the_line_screen(
    role, request, client_for, dropped, sent_claim
):
    client = client_for(request.getfixturevalue(role))
    url = f"/billing/remittance/lines/{dropped.public_id}/"
    before = _money_state()
    assert client.get(url).status_code == 403
    data = {"action": "post", "target": f"{sent_claim.public_id}:1"}
    assert client.post(url, data).status_code == 403
    assert client.post(url, {"action": "resolve", "reason": "duplicate"}).status_code == 403
    paper = f"/billing/claims/{sent_claim.public_id}/paper-remittance/"
    assert client.get(paper).status_code == 403
    assert _money_state() == before


def test_other_clinic_biller_gets_not_found(client_for, dropped, other_clinic):
    other = client_for(factories.make_user(other_clinic, "biller", "otherbill2"))
    url = f"/billing/remittance/lines/{dropped.public_id}/"
    before = _money_state()
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "resolve", "reason": "duplicate"}).status_code == 404
    assert _money_state() == before


# --- paper remittance ----------------------------------------------------------------------


def _paper(claim, **changes) -> dict:
    data = {
        "payer": str(claim.payer.public_id),
        "trace_number": "CHK 2001",
        "payment_date": claim.service_date.isoformat(),
        "paid_1": "70.00",
        "group_1_0": "CO",
        "reason_1_0": "45",
        "amount_1_0": "30.00",
        "group_1_1": "PR",
        "reason_1_1": "3",
        "amount_1_1": "10.00",
        "paid_2": "12.00",
    }
    data.update(changes)
    return data


def test_paper_remittance_screen_posts_an_eob(client_for, biller, sent_claim):
    client = client_for(biller)
    url = f"/billing/claims/{sent_claim.public_id}/paper-remittance/"
    assert url in client.get(f"/billing/claims/{sent_claim.public_id}/").content.decode()
    assert "Check or EFT number" in client.get(url).content.decode()
    response = client.post(url, _paper(sent_claim))
    assert response.status_code == 302
    assert selectors.patient_balance(patient=sent_claim.patient) == Decimal("10.00")
    line1 = sent_claim.lines.get(number=1)
    assert (line1.paid, line1.adjusted, line1.patient_responsibility) == (
        Decimal("70.00"),
        Decimal("30.00"),
        Decimal("10.00"),
    )
    again = client.post(url, _paper(sent_claim))
    assert again.status_code == 409 and "already entered" in again.content.decode()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"paid_2": "11.00"}, "does not add up"),
        ({"trace_number": ""}, "check or EFT number"),
        ({"payment_date": "2026-13-01"}, "date on the check"),
        ({"payment_date": "2999-01-01"}, "in the future"),
        ({"payer": "nope"}, "Choose the payer"),
        ({"reason_1_0": ""}, "needs its group, reason code and amount"),
        ({"paid_1": "seventy"}, "is not an amount"),
        ({"group_1_0": "XX"}, "is not an adjustment group"),
    ],
)
def test_bad_paper_remittance_is_refused_and_posts_nothing(
    client_for, biller, sent_claim, changes, words
):
    client = client_for(biller)
    url = f"/billing/claims/{sent_claim.public_id}/paper-remittance/"
    before = _money_state()
    response = client.post(url, _paper(sent_claim, **changes))
    assert response.status_code == 422
    assert words in response.content.decode()
    assert _money_state() == before


def test_line_screen_query_count_is_bounded(
    client_for, biller, dropped, django_assert_max_num_queries
):
    client = client_for(biller)
    url = f"/billing/remittance/lines/{dropped.public_id}/"
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200

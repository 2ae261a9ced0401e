"""Cancelling a visit prompts the desk to offer the freed time to the waitlist at once, without
waiting for the worker's next pass."""

from __future__ import annotations

from django.urls import reverse

from medassist.waitlist.models import SlotOffer


def test_a_cancel_prompts_to_offer_the_time_and_the_offer_goes_out(
    client, front_desk, busy_visit, waiting
):
    # given the desk cancels a visit ahead
    client.force_login(front_desk)
    cancelled = client.post(
        reverse("scheduling:cancel", args=[busy_visit.public_id]),
        {"reason": "Patient called"},
        follow=True,
    )
    # then the next page offers the freed time to the waitlist
    page = cancelled.content.decode()
    assert "is free again" in page and "Offer it to the waitlist now" in page
    # when the desk accepts the prompt
    offered = client.post(reverse("waitlist:offer_freed", args=[busy_visit.public_id]), follow=True)
    # then the three waiting patients are offered it now, and the desk is told so
    assert SlotOffer.objects.filter(slot__source_appointment=busy_visit).count() == 3
    assert "Offered the time to 3 waiting patient(s)" in offered.content.decode()
    # and the prompt is shown once only
    again = client.get(reverse("scheduling:day")).content.decode()
    assert "Offer it to the waitlist now" not in again


def test_offering_a_visit_that_is_not_cancelled_offers_nothing(
    client, front_desk, busy_visit, waiting
):
    client.force_login(front_desk)
    response = client.post(
        reverse("waitlist:offer_freed", args=[busy_visit.public_id]), follow=True
    )
    assert SlotOffer.objects.count() == 0
    assert "Nobody on the waitlist matches" in response.content.decode()


def test_only_waitlist_managers_may_offer(client, medical_assistant, busy_visit, waiting):
    client.force_login(medical_assistant)
    response = client.post(reverse("waitlist:offer_freed", args=[busy_visit.public_id]))
    assert response.status_code == 403 and SlotOffer.objects.count() == 0

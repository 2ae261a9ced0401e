"""A message set while answering an htmx fragment is shown by that fragment's own result and
does not leak onto the next page."""

from __future__ import annotations

from django.urls import reverse

from tests.availability.conftest import at


def test_a_booking_made_in_a_fragment_does_not_flash_on_the_next_page(
    client, front_desk, clinic, templated, monday, patient, follow_up
):
    client.force_login(front_desk)
    # given a slot booked from Find a slot's results (an htmx fragment)
    booked = client.post(
        reverse("booking:find_book"),
        {
            "patient": str(patient.public_id),
            "visit_type": str(follow_up.public_id),
            "provider": str(templated.public_id),
            "location": str(clinic.locations.first().public_id),
            "start": at(clinic, monday, 9).isoformat(),
        },
        headers={"HX-Request": "true"},
    )
    assert booked.status_code == 200
    # when the desk opens another page
    page = client.get(reverse("scheduling:day")).content.decode()
    # then the booking's message is not shown there again
    assert f"Booked {patient.display_name}" not in page

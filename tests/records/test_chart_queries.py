"""A patient with 1,000 encounters opens with the same number of queries as a new one."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from medassist.records import services
from medassist.records.models import Encounter, Note
from medassist.records.selectors import ENCOUNTERS_PER_PAGE
from tests import factories


def _bulk_encounters(patient, author, count: int) -> None:
    start = timezone.now() - dt.timedelta(days=count + 1)
    Encounter.objects.bulk_create(
        Encounter(patient=patient, start=start + dt.timedelta(days=i), type_display=f"Visit {i}")
        for i in range(count)
    )
    encounters = list(Encounter.objects.filter(patient=patient).order_by("id"))
    Note.objects.bulk_create(
        Note(
            patient=patient,
            encounter=e,
            author=author,
            title=f"Note {i}",
            body="Seen and examined.",
        )
        for i, e in enumerate(encounters)
    )


def _open_chart(client, patient, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/records/patients/{patient.public_id}/", params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_a_thousand_encounters_open_with_the_same_query_count_as_one(
    physician, front_desk, patient, client_for
):
    # given: a patient with one encounter and note, and one with 1,000 of each
    busy = factories.make_patient(front_desk, first_name="Busy", last_name="Chart")
    _bulk_encounters(busy, physician, 1000)
    encounter = services.encounter_create(actor=physician, patient=patient)
    services.note_create(actor=physician, encounter=encounter, title="First", body="Hello")
    client = client_for(physician)
    _open_chart(client, patient)  # warm caches (session, content types)
    # when
    small_count, small_html = _open_chart(client, patient)
    big_count, big_html = _open_chart(client, busy)
    last_page_count, last_html = _open_chart(client, busy, enc=100)
    # then
    assert big_count == small_count
    assert last_page_count == small_count
    assert big_html.count('class="encounter') == ENCOUNTERS_PER_PAGE
    assert "1000 in all" in big_html
    assert "Page 1 of 100" in big_html
    assert "Visit 999" in big_html and "Visit 0<" not in big_html  # newest first
    assert "Page 100 of 100" in last_html and "Visit 0<" in last_html


def test_the_encounters_api_is_paginated_with_constant_queries(
    physician, front_desk, patient, client_for
):
    # given
    busy = factories.make_patient(front_desk, first_name="Busy", last_name="Chart")
    _bulk_encounters(busy, physician, 1000)
    _bulk_encounters(patient, physician, 1)
    client = client_for(physician)

    def fetch(p):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/records/patients/{p.public_id}/encounters?page=2")
        return len(ctx.captured_queries), response

    fetch(patient)
    # when
    small, _ = fetch(patient)
    big, response = fetch(busy)
    # then
    assert big == small
    body = response.json()
    assert body["count"] == 1000 and body["pages"] == 100 and body["page"] == 2
    assert len(body["items"]) == ENCOUNTERS_PER_PAGE
    assert body["items"][0]["notes"][0]["title"].startswith("Note ")

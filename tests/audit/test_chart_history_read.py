"""Reading a chart item's history is a read of the patient's record, audited like one: on the
chart's History page and through the API."""

from __future__ import annotations

import datetime as dt

from medassist.audit.models import AuditEvent
from medassist.practice.models import ApiToken
from medassist.records import services


def history_reads(patient) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            patient=patient, action=AuditEvent.Action.READ, detail__history=True
        )
    )


def test_opening_a_chart_items_history_page_is_an_audited_read(client_for, physician, patient):
    # given a problem on the chart
    problem = services.problem_create(
        actor=physician, patient=patient, code="I10", onset_date=dt.date(2020, 1, 5)
    )
    # when its history page is opened
    response = client_for(physician).get(f"/records/items/problem/{problem.public_id}/history/")
    # then one read of that item, by that user, about that patient
    assert response.status_code == 200
    (event,) = history_reads(patient)
    assert (event.actor, event.object_type, event.object_id) == (
        physician,
        "records.Problem",
        str(problem.public_id),
    )


def test_reading_a_chart_items_history_through_the_api_is_an_audited_read(
    client, physician, patient
):
    # given a problem on the chart, and a token
    problem = services.problem_create(
        actor=physician, patient=patient, code="I10", onset_date=dt.date(2020, 1, 5)
    )
    _, key = ApiToken.issue(physician, "tests")
    # when
    response = client.get(
        f"/api/records/items/problem/{problem.public_id}/history",
        headers={"Authorization": f"Bearer {key}"},
    )
    # then
    assert response.status_code == 200
    (event,) = history_reads(patient)
    assert (event.actor, event.channel) == (physician, "api")

"""Front-desk screens: the flow board, check-in and checkout."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from medassist.frontdesk.models import CheckIn, Checkout
from medassist.patients.models import Coverage
from medassist.scheduling.models import Appointment
from tests import factories
from tests.frontdesk.conftest import ROLES, snapshot

HTMX = {"HTTP_HX_REQUEST": "true"}


def board_url():
    return reverse("frontdesk:board")


def check_in_url(appt):
    return reverse("frontdesk:check_in", args=[appt.public_id])


def check_out_url(appt):
    return reverse("frontdesk:check_out", args=[appt.public_id])


def check_in_data(cov, **over):
    data = {
        "demographics_confirmed": "on",
        "coverage": str(cov.public_id) if cov else "self_pay",
        "copay_collected": "25.00",
        "payment_method": "card",
    }
    data.update(over)
    return data


def primary(patient) -> Coverage:
    return Coverage.objects.get(patient=patient, priority=1)


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith("/login/")


# ---------------------------------------------------------------- role matrix: board

BOARD_STATUS = {
    "front_desk": 200,
    "medical_assistant": 200,
    "physician": 200,
    "biller": 403,
    "clinic_admin": 200,
    "other_clinic_physician": 200,
    None: 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_board_is_open_to_the_roles_that_run_patient_flow(role, user_for, client_for, visit_today):
    # given
    appt = visit_today(0)
    # when
    response = client_for(user_for(role)).get(board_url())
    # then
    assert response.status_code == BOARD_STATUS[role]
    if role is None:
        assert_login_redirect(response)
    shows_patient = appt.patient.last_name.encode() in response.content
    assert shows_patient == (response.status_code == 200 and role != "other_clinic_physician")


def test_board_poll_after_the_session_ended_asks_htmx_to_go_to_login(client, db):
    # when
    response = client.get(board_url(), **HTMX)
    # then
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/login/")


# ---------------------------------------------------------------- role matrix: check-in

CHECK_IN_STATUS = {
    "front_desk": 200,
    "medical_assistant": 403,
    "physician": 403,
    "biller": 403,
    "clinic_admin": 200,
    "other_clinic_physician": 403,
    None: 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_check_in_page_is_for_front_desk_and_admin(role, user_for, client_for, appointment):
    # when
    response = client_for(user_for(role)).get(check_in_url(appointment))
    # then
    assert response.status_code == CHECK_IN_STATUS[role]
    if role is None:
        assert_login_redirect(response)


@pytest.mark.parametrize("role", ROLES)
def test_check_in_post_by_each_role_checks_in_or_changes_nothing(
    role, user_for, client_for, appointment, patient
):
    # given
    before = snapshot(appointment)
    # when
    response = client_for(user_for(role)).post(
        check_in_url(appointment), check_in_data(primary(patient))
    )
    # then
    allowed = CHECK_IN_STATUS[role] == 200
    if allowed:
        assert response.status_code == 302 and response.url == board_url()
        assert snapshot(appointment)["status"] == "arrived"
    else:
        assert response.status_code == (302 if role is None else 403)
        assert snapshot(appointment) == before


def test_check_in_of_another_clinics_visit_is_not_found(
    client_for, other_clinic_front_desk, appointment, patient
):
    # given
    before = snapshot(appointment)
    client = client_for(other_clinic_front_desk)
    # when
    page = client.get(check_in_url(appointment))
    post = client.post(check_in_url(appointment), check_in_data(primary(patient)))
    # then
    assert page.status_code == 404 and post.status_code == 404
    assert snapshot(appointment) == before


def test_check_in_of_an_unknown_visit_is_not_found(client_for, front_desk):
    response = client_for(front_desk).get(
        reverse("frontdesk:check_in", args=["00000000-0000-4000-8000-000000000000"])
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- role matrix: checkout


@pytest.mark.parametrize("role", ROLES)
def test_checkout_page_is_for_front_desk_and_admin(role, user_for, client_for, with_provider):
    # when
    response = client_for(user_for(role)).get(check_out_url(with_provider))
    # then
    assert response.status_code == CHECK_IN_STATUS[role]
    if role is None:
        assert_login_redirect(response)


@pytest.mark.parametrize("role", ROLES)
def test_checkout_post_by_each_role_checks_out_or_changes_nothing(
    role, user_for, client_for, with_provider
):
    # given
    before = snapshot(with_provider)
    # when
    response = client_for(user_for(role)).post(
        check_out_url(with_provider), {"follow_up": "2 weeks"}
    )
    # then
    if CHECK_IN_STATUS[role] == 200:
        assert response.status_code == 302 and response.url == board_url()
        assert snapshot(with_provider)["status"] == "checked_out"
    else:
        assert response.status_code == (302 if role is None else 403)
        assert snapshot(with_provider) == before


def test_checkout_of_another_clinics_visit_is_not_found(
    client_for, other_clinic_front_desk, with_provider
):
    # given
    before = snapshot(with_provider)
    client = client_for(other_clinic_front_desk)
    # when
    page = client.get(check_out_url(with_provider))
    post = client.post(check_out_url(with_provider), {"follow_up": "2 weeks"})
    # then
    assert page.status_code == 404 and post.status_code == 404
    assert snapshot(with_provider) == before


# ---------------------------------------------------------------- check-in


def test_check_in_page_reads_back_demographics_and_offers_coverage_or_self_pay(
    client_for, front_desk, appointment, patient
):
    # when
    response = client_for(front_desk).get(check_in_url(appointment))
    # then
    html = response.content.decode()
    assert "Jordan" in html and "Reyes" in html
    assert "05/17/1980" in html
    assert "(518) 555-0142" in html
    assert "12 Elm St" in html
    assert "Demographics confirmed with the patient" in html
    assert "Acme Health" in html and "copay due $25.00" in html
    assert "Self-pay" in html
    assert reverse("patients:edit", args=[patient.public_id]) in html


def test_check_in_moves_the_visit_to_arrived_and_records_the_copay(
    client_for, front_desk, appointment, patient
):
    # given
    coverage = primary(patient)
    # when
    response = client_for(front_desk).post(
        check_in_url(appointment), check_in_data(coverage), follow=True
    )
    # then
    appointment.refresh_from_db()
    assert appointment.status == "arrived"
    record = CheckIn.objects.get(appointment=appointment)
    assert record.coverage == coverage and not record.self_pay
    assert record.copay_due == Decimal("25.00")
    assert record.copay_collected == Decimal("25.00")
    assert record.payment_method == "card"
    assert record.checked_in_by == front_desk
    coverage.refresh_from_db()
    patient.refresh_from_db()
    assert coverage.verified_at is not None
    assert patient.demographics_confirmed_at is not None
    assert response.redirect_chain[-1][0] == board_url()
    assert "Reyes, Jordan is checked in. Collected $25.00 (Card)." in response.content.decode()


def test_check_in_as_self_pay_records_no_coverage(client_for, front_desk, appointment):
    # when
    client_for(front_desk).post(
        check_in_url(appointment),
        check_in_data(None, copay_collected="", payment_method=""),
    )
    # then
    record = CheckIn.objects.get(appointment=appointment)
    assert record.self_pay and record.coverage is None
    assert record.copay_due == 0 and record.copay_collected == 0


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        (
            {"demographics_confirmed": ""},
            "Confirm the patient&#x27;s name, date of birth, address and phone",
        ),
        ({"copay_collected": "-5"}, "Amount cannot be negative."),
        ({"copay_collected": "twenty"}, "is not an amount; write it like 25.00."),
        ({"copay_collected": "NaN"}, "is not an amount"),
        ({"payment_method": ""}, "Say how the payment was made"),
        ({"payment_method": "bitcoin"}, "Select a valid choice."),
        ({"coverage": ""}, "Choose the insurance for this visit, or Self-pay."),
    ],
)
def test_check_in_with_bad_input_explains_and_changes_nothing(
    change, field_message, client_for, front_desk, appointment, patient
):
    # given
    before = snapshot(appointment)
    data = check_in_data(primary(patient), **change)
    data = {k: v for k, v in data.items() if v != ""}
    # when
    response = client_for(front_desk).post(check_in_url(appointment), data)
    # then
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert snapshot(appointment) == before


def test_check_in_refuses_another_patients_coverage(client_for, front_desk, appointment, patient):
    # given: a coverage that belongs to somebody else
    other = factories.make_patient(front_desk)
    foreign = factories.add_coverage(front_desk, other)
    before = snapshot(appointment)
    # when
    response = client_for(front_desk).post(check_in_url(appointment), check_in_data(foreign))
    # then
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert snapshot(appointment) == before


def test_check_in_of_an_already_arrived_visit_shows_why_and_changes_nothing(
    client_for, front_desk, appointment, patient, cast, move
):
    # given
    move(appointment, "arrived", cast=cast)
    before = snapshot(appointment)
    client = client_for(front_desk)
    # when
    page = client.get(check_in_url(appointment))
    post = client.post(check_in_url(appointment), check_in_data(primary(patient)))
    # then
    assert "This visit is arrived; it cannot be checked in." in page.content.decode()
    assert b'name="demographics_confirmed"' not in page.content
    assert post.status_code == 200
    assert "it cannot be marked arrived" in post.content.decode()
    assert snapshot(appointment) == before


# ---------------------------------------------------------------- checkout


def test_checkout_records_follow_up_and_payment_and_closes_the_visit(
    client_for, front_desk, with_provider
):
    # when
    response = client_for(front_desk).post(
        check_out_url(with_provider),
        {
            "follow_up": "2 weeks",
            "note": "Recheck BP",
            "amount_collected": "40",
            "payment_method": "cash",
        },
        follow=True,
    )
    # then
    with_provider.refresh_from_db()
    assert with_provider.status == "checked_out"
    record = Checkout.objects.get(appointment=with_provider)
    assert record.follow_up == "2 weeks" and record.note == "Recheck BP"
    assert record.amount_collected == Decimal("40.00") and record.payment_method == "cash"
    assert "is checked out." in response.content.decode()


def test_checkout_page_shows_what_was_collected_at_check_in(
    client_for, front_desk, appointment, patient, cast, move
):
    # given
    client = client_for(front_desk)
    client.post(check_in_url(appointment), check_in_data(primary(patient)))
    move(appointment, "roomed", "with_provider", cast=cast)
    # when
    response = client.get(check_out_url(appointment))
    # then
    html = response.content.decode()
    assert "At check-in" in html and "$25.00" in html and "(card)" in html
    assert 'name="follow_up"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount_collected": "-1", "payment_method": "cash"}, "Amount cannot be negative."),
        ({"amount_collected": "10"}, "Say how the payment was made"),
        ({"follow_up": "x" * 101}, "at most 100 characters"),
    ],
)
def test_checkout_with_bad_input_explains_and_changes_nothing(
    data, message, client_for, front_desk, with_provider
):
    # given
    before = snapshot(with_provider)
    # when
    response = client_for(front_desk).post(check_out_url(with_provider), data)
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(with_provider) == before


def test_checkout_of_a_visit_not_yet_with_the_provider_is_refused(
    client_for, front_desk, appointment
):
    # given: still only booked
    before = snapshot(appointment)
    client = client_for(front_desk)
    # when
    page = client.get(check_out_url(appointment))
    post = client.post(check_out_url(appointment), {"follow_up": "2 weeks"})
    # then
    assert "This visit is booked; it cannot be checked out." in page.content.decode()
    assert post.status_code == 200
    assert "This visit is booked; it cannot be marked checked out." in post.content.decode()
    assert snapshot(appointment) == before


# ---------------------------------------------------------------- board


@pytest.fixture
def board_visits(visit_today, cast, move):
    """Four visits today, one in each board status."""
    booked = visit_today(0)
    arrived = move(visit_today(1), "arrived", cast=cast)
    roomed = move(visit_today(2), "arrived", "roomed", cast=cast)
    seeing = move(visit_today(3), "arrived", "roomed", "with_provider", cast=cast)
    return {"booked": booked, "arrived": arrived, "roomed": roomed, "with_provider": seeing}


def _actions(response) -> dict:
    return {row.appointment.status: row.action for row in response.context["board"].rows}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "front_desk",
            {"booked": "check_in", "arrived": None, "roomed": None, "with_provider": "check_out"},
        ),
        (
            "clinic_admin",
            {"booked": "check_in", "arrived": None, "roomed": None, "with_provider": "check_out"},
        ),
        (
            "medical_assistant",
            {"booked": None, "arrived": "room", "roomed": "start_visit", "with_provider": None},
        ),
        (
            "physician",
            {"booked": None, "arrived": "room", "roomed": "start_visit", "with_provider": None},
        ),
    ],
)
def test_board_offers_each_role_only_the_next_steps_it_may_take(
    role, expected, user_for, client_for, board_visits
):
    # when
    response = client_for(user_for(role)).get(board_url())
    # then
    assert _actions(response) == expected
    html = response.content.decode()
    booked, seeing = board_visits["booked"], board_visits["with_provider"]
    assert (check_in_url(booked) in html) == (expected["booked"] == "check_in")
    assert (check_out_url(seeing) in html) == (expected["with_provider"] == "check_out")


def test_board_shows_minutes_in_status_and_flags_long_waits(client_for, front_desk, board_visits):
    # given: the arrived patient has waited 22 minutes, the roomed one 5
    now = timezone.now()
    Appointment.objects.filter(pk=board_visits["arrived"].pk).update(
        status_changed_at=now - timedelta(minutes=22, seconds=10)
    )
    Appointment.objects.filter(pk=board_visits["roomed"].pk).update(
        status_changed_at=now - timedelta(minutes=5, seconds=10)
    )
    # when
    response = client_for(front_desk).get(board_url())
    # then
    rows = {r.appointment.status: r for r in response.context["board"].rows}
    assert rows["arrived"].minutes == 22 and rows["arrived"].waiting_long
    assert rows["roomed"].minutes == 5 and not rows["roomed"].waiting_long
    assert rows["booked"].minutes is None
    html = response.content.decode()
    assert '<span class="wait-long" title="Waiting more than 15 minutes">22 min</span>' in html
    assert html.count('class="wait-long"') == 1


def test_board_summary_counts_visits_per_status(client_for, front_desk, board_visits):
    # given: a cancelled visit is not on the board
    factories_cancelled = board_visits["booked"]
    Appointment.objects.filter(pk=factories_cancelled.pk).update(status="cancelled")
    # when
    response = client_for(front_desk).get(board_url())
    # then
    counts = {status: n for status, _label, n in response.context["board"].counts}
    assert counts == {"booked": 0, "arrived": 1, "roomed": 1, "with_provider": 1}


def test_board_page_polls_its_own_table_body_every_15_seconds(client_for, front_desk):
    # when
    html = client_for(front_desk).get(board_url()).content.decode()
    # then
    assert (
        f'<tbody id="board-rows" hx-get="{board_url()}" hx-trigger="every 15s" '
        'hx-swap="outerHTML" hx-headers=\'{"X-Auto-Refresh": "1"}\'>' in html
    )
    assert "<thead>" in html


def test_board_htmx_refresh_returns_only_the_rows_and_the_summary(
    client_for, front_desk, board_visits
):
    # when
    response = client_for(front_desk).get(board_url(), **HTMX)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<tbody id="board-rows"')
    assert '<div id="board-summary" class="summary" hx-swap-oob="true"' in html
    assert board_visits["arrived"].patient.last_name in html
    for outside in ("<html", "<thead", "<h1", "Log out"):
        assert outside not in html


@pytest.mark.parametrize("visits", [1, 10])
def test_board_query_count_does_not_grow_with_rows(
    visits, client_for, front_desk, visit_today, django_assert_max_num_queries
):
    # given
    for n in range(visits):
        visit_today(n)
    client = client_for(front_desk)
    # when
    with django_assert_max_num_queries(13):
        response = client.get(board_url())
    # then
    assert len(response.context["board"].rows) == visits


def test_a_double_booked_visit_is_flagged_on_the_board_and_the_patient_page(
    client_for, front_desk, patient, provider
):
    # given a visit today, booked over another on purpose
    from datetime import datetime, time

    from medassist.scheduling.models import Appointment
    from medassist.scheduling.selectors import clinic_today

    tz = front_desk.clinic.tz
    start = datetime.combine(clinic_today(front_desk.clinic), time(8, 0), tzinfo=tz)
    appointment = factories.book(front_desk, patient, provider, start=start)
    Appointment.objects.filter(pk=appointment.pk).update(double_booked=True)
    client = client_for(front_desk)
    # when (the patient page loads its visits as an htmx fragment)
    board = client.get(board_url()).content.decode()
    page = client.get(reverse("patients:detail", args=[patient.public_id])).content.decode()
    page += client.get(
        reverse("scheduling:patient_visits", args=[patient.public_id]), **HTMX
    ).content.decode()
    # then
    assert '<span class="badge double">Double-booked</span>' in board
    assert '<span class="badge double">Double-booked</span>' in page

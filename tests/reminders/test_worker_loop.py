"""The worker loop: stops cleanly on SIGTERM/SIGINT, a failing job does not stop the others,
and the clinic admin edits reminder rules in the admin."""

from __future__ import annotations

import os
import signal

import pytest

from medassist.reminders.models import ReminderRule
from medassist.worker import loop as worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_signals():
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_lets_the_pass_finish_and_stops_the_loop(restore_signals, sig):
    # given a running loop whose first pass receives the signal
    stopper = worker.Stopper()
    stopper.install()
    seen = []

    def on_pass(result):
        seen.append(result)
        os.kill(os.getpid(), sig)

    # when it runs
    passes = worker.run_forever(interval=3600, stopper=stopper, on_pass=on_pass)
    # then the pass completed and the loop ended without waiting out the interval
    assert passes == 1
    assert set(seen[0]) >= {"reminders_planned", "messages_sent", "freed_slots"}
    assert stopper.stopped


def test_a_failing_job_is_logged_and_the_others_still_run(monkeypatch, visit, caplog):
    def broken(*, now):
        raise RuntimeError("boom")

    monkeypatch.setattr(worker.reminders, "reminders_cancel_stale", broken)
    result = worker.run_once()
    assert result["reminders_cancelled"] == -1
    assert result["reminders_planned"] == 2
    assert "reminders_cancelled" in caplog.text


def test_worker_interval_must_be_positive():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("worker", "--interval", "0")


def test_the_clinic_admin_edits_reminder_rules_of_their_clinic_only(
    clinic_admin, other_clinic, client_for
):
    # given a staff clinic admin and a rule of another clinic
    clinic_admin.is_staff = True
    clinic_admin.save()
    theirs = ReminderRule.objects.create(
        clinic=other_clinic, name="Theirs", offset_hours=48, channel="sms"
    )
    client = client_for(clinic_admin)
    # when they add a rule
    response = client.post(
        "/admin/reminders/reminderrule/add/",
        {"name": "Text 2 h before", "offset_hours": "2", "channel": "sms", "active": "on"},
    )
    # then it lands in their clinic, and the other clinic's rule is not theirs to see
    assert response.status_code == 302
    assert ReminderRule.objects.get(name="Text 2 h before").clinic_id == clinic_admin.clinic_id
    listing = client.get("/admin/reminders/reminderrule/").content.decode()
    assert "Theirs" not in listing
    assert client.get(f"/admin/reminders/reminderrule/{theirs.pk}/change/").status_code in (
        302,
        404,
    )

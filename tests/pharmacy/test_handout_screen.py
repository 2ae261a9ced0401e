"""The handout screen: the clinician writes a diet instruction or a medication change (their
own words, EN/ES); the MA prints the PDF and marks it discussed; others are refused and
change nothing; bad input saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medassist.pharmacy.models import ChangeDiscussion
from tests.pharmacy.test_handouts import _text, order  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _url(patient):
    return reverse("pharmacy:handouts", args=[patient.public_id])


def test_clinician_writes_a_spanish_diet_instruction_the_ma_prints_and_marks_it(
    client_for, physician, medical_assistant, patient
):
    # when the physician writes a diet instruction in Spanish
    r = client_for(physician).post(_url(patient), {
        "kind": "diet", "language": "es", "order": "",
        "clinician_text": "Menos sal: no más de 2 gramos de sodio al día."})
    # then it is saved as written
    assert r.status_code == 302
    h = ChangeDiscussion.objects.get()
    assert (h.kind, h.language, h.clinician.user_id) == ("diet", "es", physician.pk)
    assert h.clinician_text == "Menos sal: no más de 2 gramos de sodio al día."
    # and the MA sees it, prints the PDF (the clinician's words in it) and marks it discussed
    ma = client_for(medical_assistant)
    page = ma.get(_url(patient)).content.decode()
    assert "Menos sal" in page and "Mark discussed" in page and "Save the handout" not in page
    pdf = ma.get(reverse("pharmacy:handout_pdf", args=[h.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and "Menos sal" in _text(pdf.content)
    r = ma.post(reverse("pharmacy:handout_discussed", args=[h.public_id]),
                {"back": "patient", "note": "Went over it with her daughter"})
    assert r.status_code == 302 and r["Location"] == _url(patient)
    h.refresh_from_db()
    assert h.discussed_by == medical_assistant and h.discussion_note.startswith("Went over")
    # a second time is refused with the reason, nothing changes
    r = ma.post(reverse("pharmacy:handout_discussed", args=[h.public_id]),
                {"back": "patient"}, follow=True)
    assert "discussed already" in r.content.decode()


def test_a_medication_change_names_one_of_the_patients_orders(
    client_for, physician, patient, order  # noqa: F811
):
    c = client_for(physician)
    page = c.get(_url(patient)).content.decode()
    assert str(order.public_id) in page
    r = c.post(_url(patient), {"kind": "medication", "language": "en",
                               "order": str(order.public_id),
                               "clinician_text": "Increase to two tablets each morning."})
    assert r.status_code == 302
    assert ChangeDiscussion.objects.get().order == order


@pytest.mark.parametrize("data,reason", [
    ({"kind": "medication", "language": "en", "order": "", "clinician_text": "More"},
     "names its order"),
    ({"kind": "diet", "language": "en", "order": "", "clinician_text": "   "}, "Instructions"),
    ({"kind": "diet", "language": "fr", "order": "", "clinician_text": "Moins de sel"},
     "Spanish"),
    ({"kind": "diet", "language": "en", "order": "00000000-0000-0000-0000-000000000000",
      "clinician_text": "x"}, "this patient"),
    ({"kind": "recipe", "language": "en", "order": "", "clinician_text": "x"},
     "medication or diet"),
])
def test_bad_input_saves_nothing_and_says_why(client_for, physician, patient, data, reason):
    r = client_for(physician).post(_url(patient), data)
    body = r.content.decode()
    assert r.status_code == 422 and "Nothing was saved" in body and reason in body
    assert not ChangeDiscussion.objects.exists()


@pytest.mark.parametrize("role,get_status", [
    ("medical_assistant", 200), ("front_desk", 200), ("biller", 200),
])
def test_only_the_clinician_writes(client_for, request, patient, role, get_status):
    user = request.getfixturevalue(role)
    c = client_for(user)
    assert c.get(_url(patient)).status_code == get_status
    r = c.post(_url(patient), {"kind": "diet", "language": "en", "clinician_text": "Sneaky"})
    assert r.status_code == 403
    assert not ChangeDiscussion.objects.exists()


def test_another_clinic_cannot_open_the_page(client_for, other_clinic_physician, patient):
    assert client_for(other_clinic_physician).get(_url(patient)).status_code == 404

"""The visit-type rules screen and `visit_type_rule_save`: which providers offer a visit
type, for new or established patients, and the kinds of rooms or equipment it needs."""

from __future__ import annotations

import pytest

from medassist.audit.models import AuditEvent
from medassist.availability.models import Resource, ResourceKind, VisitTypeRule
from medassist.availability.selectors import visit_type_rule_rows
from medassist.availability.services import visit_type_rule_save
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.practice.models import Location, VisitType
from tests import factories
from tests.availability.conftest import make_provider

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]  # None: nobody logged in


def snapshot() -> dict:
    return {
        "rules": sorted(
            (
                r.public_id,
                r.patients,
                r.updated_at,
                tuple(sorted(r.providers.values_list("pk", flat=True))),
                tuple(sorted(r.required_kinds.values_list("pk", flat=True))),
            )
            for r in VisitTypeRule.objects.all()
        ),
        "kinds": ResourceKind.objects.count(),
        "audit": AuditEvent.objects.exclude(
            action__in=[AuditEvent.Action.LIST, AuditEvent.Action.REFUSED]
        ).count(),
    }


@pytest.fixture
def cart(clinic):
    kind = ResourceKind.objects.create(clinic=clinic, name="ECG cart")
    Resource.objects.create(
        clinic=clinic, kind=kind, location=clinic.locations.get(), name="ECG cart 1"
    )
    return kind


@pytest.fixture
def theirs(other_clinic, other_clinic_physician):
    return {
        "provider": other_clinic_physician.provider,
        "kind": ResourceKind.objects.create(clinic=other_clinic, name="Laser"),
        "visit_type": VisitType.objects.get(clinic=other_clinic, code="follow-up"),
    }


# ---------------------------------------------------------------------------- service


def test_saving_creates_the_rule_then_updates_it_with_audit(
    clinic_admin, provider, follow_up, cart
):
    # when the admin first saves a rule for a visit type that has none
    rule = visit_type_rule_save(
        actor=clinic_admin,
        visit_type=follow_up,
        providers=[provider],
        patients="established",
        required_kinds=[cart],
    )
    # then it exists with those choices, and a create event is written
    assert list(rule.providers.all()) == [provider]
    assert list(rule.required_kinds.all()) == [cart]
    assert rule.patients == "established" and rule.clinic_id == clinic_admin.clinic_id
    created = AuditEvent.objects.get(object_id=str(rule.public_id))
    assert created.action == AuditEvent.Action.CREATE and created.detail["before"] is None
    # when it is saved again with other choices, the same rule changes (and says from what)
    again = visit_type_rule_save(actor=clinic_admin, visit_type=follow_up, patients="any")
    assert again.pk == rule.pk and VisitTypeRule.objects.count() == 1
    assert not again.providers.exists() and not again.required_kinds.exists()
    updated = AuditEvent.objects.filter(object_id=str(rule.public_id)).latest("at")
    assert updated.action == AuditEvent.Action.UPDATE
    assert updated.detail["before"]["patients"] == "established"
    # saving the same choices again writes no event
    n = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    visit_type_rule_save(actor=clinic_admin, visit_type=follow_up, patients="any")
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == n


def test_another_clinics_providers_kinds_and_visit_types_are_refused(
    clinic_admin, provider, follow_up, cart, theirs
):
    visit_type_rule_save(actor=clinic_admin, visit_type=follow_up, providers=[provider])
    before = snapshot()
    with pytest.raises(ValidationFailed, match="no such provider"):
        visit_type_rule_save(
            actor=clinic_admin, visit_type=follow_up, providers=[provider, theirs["provider"]]
        )
    with pytest.raises(ValidationFailed, match="no such resource kind"):
        visit_type_rule_save(
            actor=clinic_admin, visit_type=follow_up, required_kinds=[cart, theirs["kind"]]
        )
    with pytest.raises(ValidationFailed, match="Unknown visit type"):
        visit_type_rule_save(actor=clinic_admin, visit_type=theirs["visit_type"])
    with pytest.raises(ValidationFailed, match="Choose new patients"):
        visit_type_rule_save(actor=clinic_admin, visit_type=follow_up, patients="everyone")
    assert snapshot() == before


def test_only_the_clinic_admin_may_save_a_rule(cast, follow_up):
    before = snapshot()
    for role in ("front_desk", "medical_assistant", "physician", "biller"):
        with pytest.raises(PermissionDenied):
            visit_type_rule_save(actor=cast[role], visit_type=follow_up, patients="new")
    assert snapshot() == before


def test_rows_warn_when_a_location_has_no_resource_of_a_required_kind(
    clinic_admin, clinic, follow_up, new_visit, cart
):
    # given a second location without an ECG cart, and follow-ups that need one
    Location.objects.create(clinic=clinic, name="Annex")
    visit_type_rule_save(actor=clinic_admin, visit_type=follow_up, required_kinds=[cart])
    # when the rows are read
    rows = {r.visit_type.code: r for r in visit_type_rule_rows(user=clinic_admin)}
    # then follow-ups warn about the Annex only, and a visit type with no rule shows defaults
    assert rows["follow-up"].warnings == [
        "No ECG cart in service at Annex: Follow-up visits can never be booked there."
    ]
    assert rows["new"].rule is None and rows["new"].warnings == []
    assert rows["new"].patients_label == "New and established patients"
    # a cart out of service at the main location: it warns for both
    Resource.objects.update(active=False)
    rows = {r.visit_type.code: r for r in visit_type_rule_rows(user=clinic_admin)}
    assert "at Annex, Maple Family Medicine Main:" in rows["follow-up"].warnings[0]


# ---------------------------------------------------------------------------- screens


def _post_data(vt, *, providers=(), patients="any", kinds=()):
    p = vt.code
    return {
        f"{p}-providers": [str(x) for x in providers],
        f"{p}-patients": patients,
        f"{p}-required_kinds": [str(x) for x in kinds],
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "ok"), [("get", 200), ("post", 302)])
def test_role_matrix(role, method, ok, cast, client_for, follow_up, provider):
    # given a user in a role (or nobody)
    client = client_for(cast[role] if role else None)
    before = snapshot()
    # when they open the screen or save a rule
    if method == "get":
        response = client.get("/availability/visit-types/")
    else:
        response = client.post(
            f"/availability/visit-types/{follow_up.public_id}/",
            _post_data(follow_up, providers=[provider.public_id], patients="new"),
        )
    # then only the clinic admin gets through; a refused request changed nothing
    if role is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif role == "clinic_admin":
        assert response.status_code == ok
    else:
        assert response.status_code == 403
        # (the menu's "Follow-up" group is not the visit type: look at the page body only)
        assert "Follow-up" not in response.content.decode().split('<main id="main">', 1)[1]
    if role != "clinic_admin" or method == "get":
        assert snapshot() == before


def test_another_clinics_admin_cannot_edit_our_visit_type(
    client_for, other_clinic, follow_up, provider
):
    client = client_for(factories.make_user(other_clinic, "clinic_admin", "otheradmin"))
    before = snapshot()
    r = client.post(
        f"/availability/visit-types/{follow_up.public_id}/", _post_data(follow_up, patients="new")
    )
    assert r.status_code == 404
    assert snapshot() == before


def test_screen_lists_every_active_visit_type_with_its_rule(
    clinic_admin, client_for, clinic, provider, follow_up, cart
):
    VisitType.objects.create(
        clinic=clinic, name="Retired", code="old", duration_minutes=10, active=False
    )
    Location.objects.create(clinic=clinic, name="Annex")
    visit_type_rule_save(
        actor=clinic_admin,
        visit_type=follow_up,
        providers=[provider],
        patients="established",
        required_kinds=[cart],
    )
    html = client_for(clinic_admin).get("/availability/visit-types/").content.decode()
    assert 'Follow-up <span class="muted">· 20 min' in html
    assert 'New patient <span class="muted">· 40 min' in html
    assert "Retired" not in html
    assert "Established patients only" in html and "Paul Osler, MD" in html
    assert "Every provider" in html  # the new-patient visit has no rule
    assert "No ECG cart in service at Annex" in html
    # and the edit form starts from the rule
    assert f'value="{provider.public_id}" id="id_follow-up-providers_0" checked' in html
    assert f'value="{cart.public_id}" id="id_follow-up-required_kinds_0" checked' in html


def test_admin_edits_a_rule_through_the_screen(clinic_admin, client_for, provider, new_visit, cart):
    client = client_for(clinic_admin)
    other = make_provider(new_visit.clinic, last_name="Nguyen")
    r = client.post(
        f"/availability/visit-types/{new_visit.public_id}/",
        _post_data(
            new_visit,
            providers=[provider.public_id, other.public_id],
            patients="new",
            kinds=[cart.public_id],
        ),
        follow=True,
    )
    assert "Saved the rule for New patient visits." in r.content.decode()
    rule = VisitTypeRule.objects.get(visit_type=new_visit)
    assert set(rule.providers.all()) == {provider, other}
    assert rule.patients == "new" and list(rule.required_kinds.all()) == [cart]
    # unticking everything: every provider, nothing needed
    client.post(
        f"/availability/visit-types/{new_visit.public_id}/", _post_data(new_visit, patients="any")
    )
    rule.refresh_from_db()
    assert not rule.providers.exists() and not rule.required_kinds.exists()


def test_a_provider_who_left_stays_on_the_rule_until_unticked(
    clinic_admin, client_for, provider, new_visit
):
    # given a rule naming a provider who has since left
    gone = make_provider(new_visit.clinic, last_name="Ortiz")
    visit_type_rule_save(
        actor=clinic_admin, visit_type=new_visit, providers=[provider, gone], patients="any"
    )
    gone.active = False
    gone.save()
    client = client_for(clinic_admin)

    # then the screen still shows them, ticked and marked
    page = client.get("/availability/visit-types/").content.decode()
    assert f"{gone.display_name} (no longer active)" in page
    assert f'value="{gone.public_id}"' in page

    # when the admin saves the form as shown (only the patients changed)
    client.post(
        f"/availability/visit-types/{new_visit.public_id}/",
        _post_data(new_visit, providers=[provider.public_id, gone.public_id], patients="new"),
    )
    # then they are still on the rule
    rule = VisitTypeRule.objects.get(visit_type=new_visit)
    assert set(rule.providers.all()) == {provider, gone} and rule.patients == "new"

    # and unticking them takes them off
    client.post(
        f"/availability/visit-types/{new_visit.public_id}/",
        _post_data(new_visit, providers=[provider.public_id], patients="new"),
    )
    assert list(rule.providers.all()) == [provider]
    # and once off, a provider who left is not offered again
    page = client.get("/availability/visit-types/").content.decode()
    assert gone.display_name not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"providers": ["THEIR_PROVIDER"]}, "There is no such provider in this clinic."),
        ({"providers": ["not-a-uuid"]}, "There is no such provider in this clinic."),
        ({"kinds": ["THEIR_KIND"]}, "There is no such resource kind in this clinic."),
        ({"patients": "everyone"}, "Choose new patients, established patients, or both."),
        ({"patients": ""}, "Choose which patients."),
    ],
)
def test_bad_input_on_the_screen_is_explained_and_changes_nothing(
    clinic_admin, client_for, provider, follow_up, cart, theirs, data, message
):
    visit_type_rule_save(actor=clinic_admin, visit_type=follow_up, providers=[provider])
    ids = {
        "THEIR_PROVIDER": theirs["provider"].public_id,
        "THEIR_KIND": theirs["kind"].public_id,
    }
    post = _post_data(
        follow_up,
        providers=[ids.get(x, x) for x in data.get("providers", [])],
        patients=data.get("patients", "any"),
        kinds=[ids.get(x, x) for x in data.get("kinds", [])],
    )
    before = snapshot()
    r = client_for(clinic_admin).post(f"/availability/visit-types/{follow_up.public_id}/", post)
    html = r.content.decode()
    assert r.status_code == 422
    assert message in html and "Not saved: see below." in html
    assert snapshot() == before


def test_unknown_or_inactive_visit_type_is_404(clinic_admin, client_for, clinic):
    old = VisitType.objects.create(
        clinic=clinic, name="Old", code="old", duration_minutes=10, active=False
    )
    client = client_for(clinic_admin)
    before = snapshot()
    assert (
        client.post(f"/availability/visit-types/{old.public_id}/", _post_data(old)).status_code
        == 404
    )
    assert (
        client.post(
            "/availability/visit-types/00000000-0000-0000-0000-000000000000/", {}
        ).status_code
        == 404
    )
    assert snapshot() == before


def test_screen_query_count_does_not_grow_with_visit_types(
    clinic_admin, client_for, clinic, provider, cart, django_assert_max_num_queries
):
    client = client_for(clinic_admin)
    vt = VisitType.objects.get(clinic=clinic, code="new")
    visit_type_rule_save(actor=clinic_admin, visit_type=vt, providers=[provider])
    with django_assert_max_num_queries(20) as few:
        assert client.get("/availability/visit-types/").status_code == 200
    for n in range(8):
        vt = VisitType.objects.create(
            clinic=clinic, name=f"Type {n}", code=f"t{n}", duration_minutes=15
        )
        visit_type_rule_save(
            actor=clinic_admin, visit_type=vt, providers=[provider], required_kinds=[cart]
        )
    with django_assert_max_num_queries(len(few)):
        assert client.get("/availability/visit-types/").status_code == 200

"""The set-up API for resources and visit-type rules: only clinic admins; the same services
as the screens; bad input is a clear 4xx that changes nothing."""

from __future__ import annotations

import pytest

from medassist.availability.models import Resource, ResourceKind, VisitTypeRule
from medassist.practice.models import Location, Room
from tests import factories
from tests.api.conftest import Api
from tests.availability.test_setup_resources import ROLES
from tests.availability.test_setup_resources import snapshot as resources_snapshot
from tests.availability.test_setup_rules import snapshot as rules_snapshot


def snapshot() -> dict:
    return {"resources": resources_snapshot(), "rules": rules_snapshot()}


@pytest.fixture
def w(cast, clinic, follow_up, provider):
    main = clinic.locations.get()
    kind = ResourceKind.objects.create(clinic=clinic, name="ECG cart")
    cart = Resource.objects.create(clinic=clinic, kind=kind, location=main, name="ECG cart 1")
    spare = ResourceKind.objects.create(clinic=clinic, name="Spare")
    return {
        "main": main,
        "kind": kind,
        "cart": cart,
        "spare": spare,
        "vt": follow_up,
        "provider": provider,
    }


def _call(api: Api, case: str, w):
    match case:
        case "kinds":
            return api.get("/api/availability/resource-kinds")
        case "kind_add":
            return api.post("/api/availability/resource-kinds", {"name": "Spirometer"})
        case "kind_rename":
            return api.patch(
                f"/api/availability/resource-kinds/{w['kind'].public_id}", {"name": "ECG"}
            )
        case "kind_remove":
            return api.call("delete", f"/api/availability/resource-kinds/{w['spare'].public_id}")
        case "resource_add":
            return api.post(
                "/api/availability/resources",
                {
                    "kind": str(w["kind"].public_id),
                    "location": str(w["main"].public_id),
                    "name": "Cart 2",
                },
            )
        case "resource_patch":
            return api.patch(
                f"/api/availability/resources/{w['cart'].public_id}", {"active": False}
            )
        case "rules":
            return api.get("/api/availability/visit-type-rules")
        case "rule_put":
            return api.call(
                "put",
                f"/api/availability/visit-types/{w['vt'].public_id}/rule",
                {"providers": [str(w["provider"].public_id)], "patients": "new"},
            )
    raise AssertionError(case)


CASES = [
    ("kinds", 200, False),
    ("kind_add", 201, True),
    ("kind_rename", 200, True),
    ("kind_remove", 204, True),
    ("resource_add", 201, True),
    ("resource_patch", 200, True),
    ("rules", 200, False),
    ("rule_put", 200, True),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("case", "ok", "write"), CASES, ids=[c[0] for c in CASES])
def test_api_role_matrix(role, case, ok, write, w, cast):
    api = Api(cast[role] if role else None)
    before = snapshot()
    response = _call(api, case, w)
    expected = 401 if role is None else ok if role == "clinic_admin" else 403
    assert response.status_code == expected, response.content[:300]
    if expected != ok or not write:
        assert snapshot() == before


def test_another_clinics_admin_finds_nothing_of_ours(w, other_clinic):
    api = Api(factories.make_user(other_clinic, "clinic_admin", "otheradmin"))
    before = snapshot()
    for case in ("kind_rename", "kind_remove", "resource_patch", "rule_put"):
        assert _call(api, case, w).status_code == 404, case
    assert api.get("/api/availability/resource-kinds").json() == []
    assert snapshot() == before


def test_admin_sets_up_a_room_resource_and_a_rule(clinic_admin, clinic, w):
    api = Api(clinic_admin)
    # a kind and a resource that is a room
    kind = api.post("/api/availability/resource-kinds", {"name": "Procedure room"}).json()
    room = w["main"].rooms.get(name="Exam 3")
    r = api.post(
        "/api/availability/resources",
        {
            "kind": kind["id"],
            "location": str(w["main"].public_id),
            "name": "Procedure 1",
            "room": str(room.public_id),
        },
    )
    assert r.status_code == 201
    body = r.json()
    assert body["room"]["name"] == "Exam 3" and body["active"] is True
    # rename keeps the room; "room": null clears it; out of service
    r = api.patch(f"/api/availability/resources/{body['id']}", {"name": "Proc 1"})
    assert r.json()["name"] == "Proc 1" and r.json()["room"]["name"] == "Exam 3"
    r = api.patch(f"/api/availability/resources/{body['id']}", {"room": None, "active": False})
    assert r.json()["room"] is None and r.json()["active"] is False
    # the rule
    r = api.call(
        "put",
        f"/api/availability/visit-types/{w['vt'].public_id}/rule",
        {
            "providers": [str(w["provider"].public_id)],
            "patients": "established",
            "required_kinds": [kind["id"]],
        },
    )
    assert r.status_code == 200, r.content
    rule = r.json()
    assert rule["patients"] == "established" and rule["duration_minutes"] == 20
    assert [p["name"] for p in rule["providers"]] == ["Paul Osler, MD"]
    # the only procedure room is out of service: the rule warns
    assert rule["warnings"] == [
        "No Procedure room in service at Maple Family Medicine Main: "
        "Follow-up visits can never be booked there."
    ]
    saved = VisitTypeRule.objects.get(visit_type=w["vt"])
    assert saved.required_kinds.get().name == "Procedure room"
    listed = api.get("/api/availability/resource-kinds").json()
    assert [k["name"] for k in listed] == ["ECG cart", "Procedure room", "Spare"]
    assert listed[1]["required_by"] == ["Follow-up"]


def test_bad_input_is_refused_and_changes_nothing(clinic_admin, clinic, other_clinic, w):
    annex = Location.objects.create(clinic=clinic, name="Annex")
    annex_room = Room.objects.create(location=annex, name="A1")
    theirs = ResourceKind.objects.create(clinic=other_clinic, name="Laser")
    api = Api(clinic_admin)
    kind_id, main_id = str(w["kind"].public_id), str(w["main"].public_id)
    rule_url = f"/api/availability/visit-types/{w['vt'].public_id}/rule"
    before = snapshot()
    cases = [
        (api.post("/api/availability/resource-kinds", {"name": "ecg cart"}), 422, "already"),
        (api.post("/api/availability/resource-kinds", {"name": ""}), 422, "name"),
        (api.post("/api/availability/resource-kinds", {"name": 5}), 422, "name"),
        (api.post("/api/availability/resource-kinds", {"name": "X", "x": 1}), 422, "x"),
        (
            api.post(
                "/api/availability/resources",
                {
                    "kind": kind_id,
                    "location": main_id,
                    "name": "C",
                    "room": str(annex_room.public_id),
                },
            ),
            422,
            "A1 is at Annex, not at",
        ),
        (
            api.post(
                "/api/availability/resources",
                {"kind": kind_id, "location": main_id, "name": "ECG CART 1"},
            ),
            422,
            "already a resource",
        ),
        (
            api.post(
                "/api/availability/resources",
                {"kind": str(theirs.public_id), "location": main_id, "name": "C"},
            ),
            404,
            "No such resource kind",
        ),
        (
            api.patch(f"/api/availability/resources/{w['cart'].public_id}", {"active": "no"}),
            422,
            "active",
        ),
        (
            api.call("delete", f"/api/availability/resource-kinds/{kind_id}"),
            422,
            "in service",
        ),
        (
            api.call("put", rule_url, {"required_kinds": [str(theirs.public_id)]}),
            422,
            "no such resource kind",
        ),
        (
            api.call("put", rule_url, {"providers": ["not-a-uuid"]}),
            422,
            "providers",
        ),
        (api.call("put", rule_url, {"patients": "all"}), 422, "patients"),
    ]
    for response, status, text in cases:
        assert response.status_code == status, response.content
        assert text in response.json()["message"] or text in str(response.json()), response.json()
    assert snapshot() == before


def test_list_endpoints_query_count_does_not_grow(
    clinic_admin, clinic, w, django_assert_max_num_queries
):
    api = Api(clinic_admin)
    VisitTypeRule.objects.create(clinic=clinic, visit_type=w["vt"]).required_kinds.add(w["kind"])
    counts = []
    for extra in (0, 6):
        for n in range(extra):
            kind = ResourceKind.objects.create(clinic=clinic, name=f"Kind {n}")
            Resource.objects.create(clinic=clinic, kind=kind, location=w["main"], name=f"R{n}")
        with django_assert_max_num_queries(30) as ctx:
            assert api.get("/api/availability/resource-kinds").status_code == 200
            assert api.get("/api/availability/visit-type-rules").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]

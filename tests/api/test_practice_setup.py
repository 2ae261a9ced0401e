"""/api/practice/setup/: clinic set-up for clinic admins. Every endpoint × every member of the
cast (and anonymous): the exact status, and a refused request leaves everything as it was;
another clinic's ids are not found; writes are audited; no password or hash ever leaves."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from medassist.audit.models import AuditEvent
from medassist.practice.models import Clinic, Location, Payer, Provider, Room, User, VisitType
from tests import factories
from tests.api.conftest import Api
from tests.practice.state import setup_state

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]  # None: nobody logged in
PASSWORD = "a long and unusual phrase 42"
SETUP = "/api/practice/setup"


@dataclass
class Case:
    name: str
    method: str
    ok: int = 200


CASES = [
    Case("clinic", "GET"),
    Case("clinic_patch", "PATCH"),
    Case("locations", "GET"),
    Case("location_create", "POST", 201),
    Case("location_patch", "PATCH"),
    Case("rooms", "GET"),
    Case("room_create", "POST", 201),
    Case("room_patch", "PATCH"),
    Case("providers", "GET"),
    Case("provider_create", "POST", 201),
    Case("provider_patch", "PATCH"),
    Case("visit_types", "GET"),
    Case("visit_type_create", "POST", 201),
    Case("visit_type_patch", "PATCH"),
    Case("payers", "GET"),
    Case("payer_create", "POST", 201),
    Case("payer_patch", "PATCH"),
    Case("staff", "GET"),
    Case("staff_create", "POST", 201),
    Case("staff_patch", "PATCH"),
    Case("staff_password", "POST", 204),
]


@pytest.fixture
def world(clinic, provider, front_desk):
    location = Location.objects.get(clinic=clinic)
    return {
        "location": location,
        "room": Room.objects.filter(location=location).first(),
        "provider": provider,
        "visit_type": VisitType.objects.get(clinic=clinic, code="new"),
        "payer": Payer.objects.get(clinic=clinic),
        "staff": front_desk,
    }


def _path_and_body(name: str, w: dict):
    loc = str(w["location"].public_id)
    match name:
        case "clinic":
            return f"{SETUP}/clinic", None
        case "clinic_patch":
            return f"{SETUP}/clinic", {"name": "Maple Family Health", "phone": "5185550100"}
        case "locations" | "rooms" | "providers" | "payers" | "staff":
            return f"{SETUP}/{name}", None
        case "visit_types":
            return f"{SETUP}/visit-types", None
        case "location_create":
            return f"{SETUP}/locations", {"name": "Troy Branch", "city": "Troy", "state": "NY"}
        case "location_patch":
            return f"{SETUP}/locations/{loc}", {"phone": "(518) 555-0123"}
        case "room_create":
            return f"{SETUP}/rooms", {"location": loc, "name": "Lab 1", "kind": "lab"}
        case "room_patch":
            return f"{SETUP}/rooms/{w['room'].public_id}", {"name": "Exam 1A"}
        case "provider_create":
            return f"{SETUP}/providers", {
                "first_name": "Lee",
                "last_name": "Wong",
                "npi": "1003000126",
                "credentials": "NP",
                "location_ids": [loc],
            }
        case "provider_patch":
            return f"{SETUP}/providers/{w['provider'].public_id}", {"specialty": "Family"}
        case "visit_type_create":
            return f"{SETUP}/visit-types", {
                "name": "Wound check",
                "code": "wound-check",
                "duration_minutes": 15,
            }
        case "visit_type_patch":
            return f"{SETUP}/visit-types/{w['visit_type'].public_id}", {"duration_minutes": 45}
        case "payer_create":
            return f"{SETUP}/payers", {"name": "Blue Shield", "payer_id": "SX065"}
        case "payer_patch":
            return f"{SETUP}/payers/{w['payer'].public_id}", {"name": "Acme Health Plan"}
        case "staff_create":
            return f"{SETUP}/staff", {"username": "nina", "role": "biller", "password": PASSWORD}
        case "staff_patch":
            return f"{SETUP}/staff/{w['staff'].public_id}", {"role": "biller"}
        case "staff_password":
            return f"{SETUP}/staff/{w['staff'].public_id}/password", {"password": PASSWORD}
    raise AssertionError(name)


def expected_status(case: Case, role: str | None) -> int:
    if role is None:
        return 401
    return case.ok if role == "clinic_admin" else 403


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_set_up_answers_each_role_with_the_exact_status_and_refusals_change_nothing(
    case, role, cast, world
):
    # given
    path, body = _path_and_body(case.name, world)
    api = Api(cast[role] if role else None)
    before = setup_state()
    expected = expected_status(case, role)
    # when
    response = api.call(case.method, path, body)
    # then
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert (
            response.json()["code"]
            == {401: "not_authenticated", 403: "permission_denied"}[expected]
        )
        assert setup_state() == before
    elif case.method != "GET":
        assert setup_state() != before


@pytest.fixture
def other_admin(other_clinic):
    return factories.make_user(other_clinic, "clinic_admin", "otheradmin")


@pytest.mark.parametrize(
    "name",
    [
        "location_patch",
        "room_create",
        "room_patch",
        "provider_create",
        "provider_patch",
        "visit_type_patch",
        "payer_patch",
        "staff_patch",
        "staff_password",
    ],
)
def test_another_clinics_admin_finds_none_of_this_clinics_set_up(other_admin, world, name):
    # given
    path, body = _path_and_body(name, world)
    before = setup_state()
    # when
    response = Api(other_admin).call("PATCH" if name.endswith("_patch") else "POST", path, body)
    # then
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert setup_state() == before


def test_another_clinics_admin_lists_and_changes_only_their_own_clinic(
    other_admin, world, other_clinic
):
    api = Api(other_admin)
    assert api.get(f"{SETUP}/clinic").json()["name"] == "Harbor Pediatrics"
    assert [s["username"] for s in api.get(f"{SETUP}/staff").json()] == ["otheradmin"]
    assert [p["name"] for p in api.get(f"{SETUP}/payers").json()] == ["Acme Health"]
    api.patch(f"{SETUP}/clinic", {"name": "Harbor Kids"})
    names = set(Clinic.objects.values_list("name", flat=True))
    assert names == {"Maple Family Medicine", "Harbor Kids"}


def test_a_write_is_audited_as_the_clinic_admin_through_the_api(clinic_admin, clinic):
    # when
    response = Api(clinic_admin).post(f"{SETUP}/locations", {"name": "Troy", "state": "ny"})
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "NY" and body["active"] is True
    event = AuditEvent.objects.get(object_id=body["id"])
    assert (event.action, event.actor, event.channel) == ("create", clinic_admin, "api")
    assert event.clinic_id == clinic.pk


def test_staff_are_listed_without_passwords_or_their_hashes(clinic_admin, cast):
    # when
    response = Api(clinic_admin).get(f"{SETUP}/staff")
    # then
    assert response.status_code == 200
    text = response.content.decode()
    for user in User.objects.all():
        assert user.password not in text
    rows = {row["username"]: row for row in response.json()}
    assert set(rows["admin"]) == {
        "id",
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "active",
        "admin_site",
        "password_login",
        "last_login",
        "provider_id",
    }
    assert set(rows) == {"frontdesk", "ma", "doctor", "biller", "admin"}
    assert rows["doctor"]["provider_id"] == str(cast["physician"].provider.public_id)
    assert rows["admin"]["password_login"] is True
    assert all(isinstance(row["id"], str) and "-" in row["id"] for row in rows.values())


def test_a_new_staff_account_gets_a_public_id_and_its_password_is_not_echoed(clinic_admin):
    response = Api(clinic_admin).post(
        f"{SETUP}/staff", {"username": "nina", "role": "biller", "password": PASSWORD}
    )
    assert response.status_code == 201
    assert PASSWORD not in response.content.decode()
    user = User.objects.get(username="nina")
    assert response.json()["id"] == str(user.public_id)
    assert user.check_password(PASSWORD)


def test_the_last_admin_cannot_demote_themselves_through_the_api(clinic_admin):
    # given
    before = setup_state()
    # when
    response = Api(clinic_admin).patch(
        f"{SETUP}/staff/{clinic_admin.public_id}", {"first_name": "Adah", "role": "physician"}
    )
    # then: refused, and the name change sent with it is not kept either
    assert response.status_code == 422
    assert response.json()["code"] == "last_admin"
    assert setup_state() == before


def test_a_deactivated_account_can_no_longer_use_its_token(clinic_admin, biller):
    # given
    biller_api = Api(biller)
    assert biller_api.get("/api/practice/payers").status_code == 200
    # when
    response = Api(clinic_admin).patch(f"{SETUP}/staff/{biller.public_id}", {"active": False})
    # then
    assert response.status_code == 200 and response.json()["active"] is False
    assert biller_api.get("/api/practice/payers").status_code == 401


def test_a_provider_is_linked_to_a_login_and_unlinked_with_null(clinic_admin, clinic, biller):
    # given
    provider = factories.make_provider(clinic)
    api = Api(clinic_admin)
    path = f"{SETUP}/providers/{provider.public_id}"
    # when
    linked = api.patch(path, {"user": str(biller.public_id)})
    unlinked = api.patch(path, {"user": None, "location_ids": []})
    # then
    assert linked.json()["user"] == {"id": str(biller.public_id), "username": "biller"}
    assert unlinked.json()["user"] is None and unlinked.json()["location_ids"] == []
    assert Provider.objects.get(pk=provider.pk).user is None


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("providers", {"first_name": "A", "last_name": "B", "npi": "1234567890"}, "npi"),
        ("visit-types", {"name": "X", "code": "x", "duration_minutes": "15"}, "duration_minutes"),
        ("visit-types", {"name": "X", "code": "x y", "duration_minutes": 15}, "code"),
        ("locations", {"name": "X", "phone": "555"}, "phone"),
        ("payers", {"name": "X", "unknown": 1}, "unknown"),
        ("staff", {"username": "x", "role": "owner"}, "role"),
    ],
)
def test_bad_set_up_input_is_refused_with_its_field_and_changes_nothing(
    clinic_admin, path, body, field
):
    before = setup_state()
    response = Api(clinic_admin).post(f"{SETUP}/{path}", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert setup_state() == before


def test_set_up_lists_show_rows_out_of_use_while_the_everyday_lists_do_not(clinic_admin, clinic):
    # given
    payer = Payer.objects.get(clinic=clinic)
    api = Api(clinic_admin)
    api.patch(f"{SETUP}/payers/{payer.public_id}", {"active": False})
    # when / then
    assert api.get("/api/practice/payers").json() == []
    assert api.get(f"{SETUP}/payers").json()[0]["active"] is False


@pytest.mark.parametrize("n", [1, 10])
def test_the_staff_and_provider_lists_take_the_same_queries_for_1_and_10_rows(
    clinic_admin, clinic, n, django_assert_max_num_queries
):
    # given
    for i in range(n):
        user = factories.make_user(clinic, "physician", f"doc{i}")
        factories.make_provider(clinic, user=user)
    api = Api(clinic_admin)
    # when / then: savepoint, token look-up and stamp, the rows, (the providers' locations)
    with django_assert_max_num_queries(6):
        assert len(api.get(f"{SETUP}/staff").json()) == n + 1
    with django_assert_max_num_queries(7):
        assert len(api.get(f"{SETUP}/providers").json()) == n


SETUP_PATHS = {
    "/clinic": {"get", "patch"},
    "/locations": {"get", "post"},
    "/locations/{location_id}": {"patch"},
    "/rooms": {"get", "post"},
    "/rooms/{room_id}": {"patch"},
    "/providers": {"get", "post"},
    "/providers/{provider_id}": {"patch"},
    "/visit-types": {"get", "post"},
    "/visit-types/{visit_type_id}": {"patch"},
    "/payers": {"get", "post"},
    "/payers/{payer_id}": {"patch"},
    "/staff": {"get", "post"},
    "/staff/{user_id}": {"patch"},
    "/staff/{user_id}/password": {"post"},
}


def test_the_openapi_document_describes_every_set_up_endpoint_with_its_own_bodies(db):
    # when
    document = Client().get("/api/openapi.json").json()
    # then
    for path, methods in SETUP_PATHS.items():
        assert set(document["paths"][SETUP + path]) == methods, path
    room_body = document["paths"][f"{SETUP}/rooms"]["post"]["requestBody"]["content"]
    assert room_body["application/json"]["schema"]["$ref"].endswith("/SetupRoomIn")
    schemas = document["components"]["schemas"]
    assert set(schemas["SetupRoomIn"]["properties"]) == {"location", "name", "kind"}
    assert "password" not in schemas["StaffOut"]["properties"]

"""The resources screen and its services: kinds of rooms and equipment, and the resources of
each kind at each location. Only the clinic admin (schedule.manage) may see or change them;
bad input gets a clear message and changes nothing."""

from __future__ import annotations

import pytest

from medassist.audit.models import AuditEvent
from medassist.availability.models import Resource, ResourceKind, VisitTypeRule
from medassist.availability.services import (
    ResourceTaken,
    resource_create,
    resource_kind_create,
    resource_kind_remove,
    resource_kind_rename,
    resource_set_active,
    resource_take_out_of_service,
    resource_update,
)
from medassist.booking.services import appointment_book
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.practice.models import Location, Room
from medassist.scheduling.models import Appointment
from tests import factories
from tests.availability.conftest import at, make_provider, weekday_template

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]  # None: nobody logged in


def snapshot() -> dict:
    return {
        "kinds": sorted(ResourceKind.objects.values_list("public_id", "name", "updated_at")),
        "resources": sorted(
            Resource.objects.values_list(
                "public_id", "name", "room_id", "location_id", "kind_id", "active", "updated_at"
            )
        ),
        "rules": sorted(VisitTypeRule.objects.values_list("public_id", "updated_at")),
        "audit": AuditEvent.objects.exclude(
            action__in=[AuditEvent.Action.LIST, AuditEvent.Action.REFUSED]
        ).count(),
    }


@pytest.fixture
def main(clinic) -> Location:
    return clinic.locations.get()


@pytest.fixture
def annex(clinic) -> Location:
    """A second location with its own procedure room."""
    loc = Location.objects.create(clinic=clinic, name="Annex", city="Troy", state="NY")
    Room.objects.create(location=loc, name="Procedure A", kind=Room.Kind.PROCEDURE)
    return loc


@pytest.fixture
def kit(clinic, main):
    """One kind (ECG cart) with one cart at the main location."""
    kind = ResourceKind.objects.create(clinic=clinic, name="ECG cart")
    cart = Resource.objects.create(clinic=clinic, kind=kind, location=main, name="ECG cart 1")
    return {"kind": kind, "cart": cart}


# ---------------------------------------------------------------------------- services


def test_admin_adds_a_kind_and_it_is_audited(clinic_admin):
    # when the admin adds a kind (extra spaces are tidied)
    kind = resource_kind_create(actor=clinic_admin, name="  Procedure   room ")
    # then it exists in their clinic, stamped and audited
    assert kind.name == "Procedure room" and kind.clinic_id == clinic_admin.clinic_id
    assert kind.created_by == clinic_admin
    event = AuditEvent.objects.get(object_id=str(kind.public_id))
    assert event.action == AuditEvent.Action.CREATE and event.actor == clinic_admin


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ECG cart", "There is already a kind called “ECG cart”."),
        ("ecg CART", "There is already a kind called “ecg CART”."),
        ("", "Name the kind."),
        ("   ", "Name the kind."),
        ("x" * 101, "limited to 100 characters"),
    ],
)
def test_bad_kind_names_are_refused_and_change_nothing(clinic_admin, kit, name, message):
    before = snapshot()
    with pytest.raises(ValidationFailed) as err:
        resource_kind_create(actor=clinic_admin, name=name)
    assert message in err.value.message
    assert snapshot() == before


def test_another_clinic_may_use_the_same_kind_name(kit, other_clinic):

    other_admin = factories.make_user(other_clinic, "clinic_admin", "otheradmin")
    kind = resource_kind_create(actor=other_admin, name="ECG cart")
    assert kind.clinic_id == other_clinic.pk


def test_renaming_a_kind_refuses_a_taken_name(clinic_admin, clinic, kit):
    resource_kind_create(actor=clinic_admin, name="Spirometer")
    before = snapshot()
    with pytest.raises(ValidationFailed, match="already a kind called"):
        resource_kind_rename(actor=clinic_admin, kind=kit["kind"], name="spirometer")
    assert snapshot() == before
    resource_kind_rename(actor=clinic_admin, kind=kit["kind"], name="ECG machine")
    assert ResourceKind.objects.get(pk=kit["kind"].pk).name == "ECG machine"


def test_resource_is_added_with_a_room_at_its_location(clinic_admin, main):
    kind = resource_kind_create(actor=clinic_admin, name="Procedure room")
    room = main.rooms.get(name="Exam 1")
    resource = resource_create(
        actor=clinic_admin, kind=kind, location=main, name="Exam 1 (procedures)", room=room
    )
    assert (resource.room, resource.location, resource.active) == (room, main, True)
    assert AuditEvent.objects.filter(
        object_id=str(resource.public_id), action=AuditEvent.Action.CREATE
    ).exists()


def test_a_room_at_another_location_is_refused(clinic_admin, kit, main, annex):
    before = snapshot()
    with pytest.raises(ValidationFailed) as err:
        resource_create(
            actor=clinic_admin,
            kind=kit["kind"],
            location=main,
            name="Cart 2",
            room=annex.rooms.get(),
        )
    assert err.value.message.startswith("Procedure A is at Annex, not at")
    assert err.value.field == "room"
    assert snapshot() == before


def test_resource_names_are_unique_per_location_only(clinic_admin, kit, main, annex):
    before = snapshot()
    with pytest.raises(ValidationFailed, match="already a resource called “ECG cart 1” at"):
        resource_create(actor=clinic_admin, kind=kit["kind"], location=main, name="ecg cart 1")
    assert snapshot() == before
    # the same name at another location is fine
    other = resource_create(actor=clinic_admin, kind=kit["kind"], location=annex, name="ECG cart 1")
    assert other.location == annex


def test_an_out_of_service_namesake_says_put_it_back(clinic_admin, kit, main):
    resource_set_active(actor=clinic_admin, resource=kit["cart"], active=False)
    with pytest.raises(ValidationFailed, match="out of service: put it back instead"):
        resource_create(actor=clinic_admin, kind=kit["kind"], location=main, name="ECG cart 1")


def test_another_clinics_kind_location_or_room_is_refused(
    clinic_admin, kit, main, other_clinic, other_clinic_physician
):
    theirs = ResourceKind.objects.create(clinic=other_clinic, name="Laser")
    their_loc = other_clinic.locations.get()
    before = snapshot()
    with pytest.raises(ValidationFailed, match="Choose a kind"):
        resource_create(actor=clinic_admin, kind=theirs, location=main, name="X")
    with pytest.raises(ValidationFailed, match="Choose a location"):
        resource_create(actor=clinic_admin, kind=kit["kind"], location=their_loc, name="X")
    with pytest.raises(ValidationFailed, match="Unknown room"):
        resource_create(
            actor=clinic_admin,
            kind=kit["kind"],
            location=main,
            name="X",
            room=their_loc.rooms.first(),
        )
    assert snapshot() == before


def test_front_desk_may_not_set_up_resources(front_desk, kit, main):
    before = snapshot()
    calls = [
        lambda: resource_kind_create(actor=front_desk, name="Laser"),
        lambda: resource_kind_rename(actor=front_desk, kind=kit["kind"], name="Laser"),
        lambda: resource_kind_remove(actor=front_desk, kind=kit["kind"]),
        lambda: resource_create(actor=front_desk, kind=kit["kind"], location=main, name="X"),
        lambda: resource_update(actor=front_desk, resource=kit["cart"], name="X", room=None),
        lambda: resource_set_active(actor=front_desk, resource=kit["cart"], active=False),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


def test_update_renames_sets_room_and_refuses_bad_input(clinic_admin, kit, main, annex):
    cart = kit["cart"]
    resource_update(actor=clinic_admin, resource=cart, name="Cart A", room=main.rooms.first())
    cart.refresh_from_db()
    assert cart.name == "Cart A" and cart.room == main.rooms.first()
    before = snapshot()
    with pytest.raises(ValidationFailed, match="not at"):
        resource_update(actor=clinic_admin, resource=cart, name="Cart A", room=annex.rooms.get())
    with pytest.raises(ValidationFailed, match="Name the resource"):
        resource_update(actor=clinic_admin, resource=cart, name=" ", room=None)
    # saving what is already there writes nothing
    resource_update(actor=clinic_admin, resource=cart, name="Cart A", room=main.rooms.first())
    assert snapshot() == before


def test_out_of_service_keeps_the_row_audits_who_and_when_and_stops_bookings(
    clinic_admin, front_desk, clinic, provider, ecg, templated, monday, patient
):
    # given the ECG visit type needs the clinic's cart, and there is only one
    cart = ecg["cart"]
    # when the admin takes it out of service
    resource_set_active(actor=clinic_admin, resource=cart, active=False)
    # then the row is kept, stamped, and the audit says who
    cart.refresh_from_db()
    assert cart.active is False and cart.updated_by == clinic_admin
    event = AuditEvent.objects.filter(object_id=str(cart.public_id)).latest("at")
    assert event.actor == clinic_admin and event.detail == {"active": False}
    # and no visit can book it
    with pytest.raises(ResourceTaken):
        appointment_book(
            actor=front_desk,
            patient=patient,
            visit_type=ecg["visit_type"],
            provider=provider,
            start=at(clinic, monday, 9),
        )
    assert not Appointment.objects.exists()
    # when it is put back, booking works again
    resource_set_active(actor=clinic_admin, resource=cart, active=True)
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=provider,
        start=at(clinic, monday, 9),
    )
    assert appt.resource_bookings.get().resource == cart
    assert AuditEvent.objects.filter(object_id=str(cart.public_id)).latest("at").detail == {
        "active": True
    }


def test_out_of_service_hands_upcoming_visits_to_another_free_one_of_the_kind(
    clinic_admin, front_desk, client_for, clinic, provider, ecg, templated, monday, patient
):
    # given two carts and three ECG visits holding cart 1; cart 2 is busy at 10:00
    cart1 = ecg["cart"]
    cart2 = Resource.objects.create(
        clinic=clinic, kind=ecg["kind"], location=cart1.location, name="ECG cart 2"
    )
    other = make_provider(clinic)
    weekday_template(clinic, other)

    def book(who, hh):
        return appointment_book(
            actor=front_desk,
            patient=factories.make_patient(front_desk),
            visit_type=ecg["visit_type"],
            provider=who,
            start=at(clinic, monday, hh),
        )

    nine, ten = book(provider, 9), book(provider, 10)
    taken = book(other, 10)  # cart 2 holds 10:00 for the other provider's visit
    assert taken.resource_bookings.get().resource == cart2
    eleven = book(provider, 11)
    assert {a.resource_bookings.get(active=True).resource for a in (nine, ten, eleven)} == {cart1}

    # when the admin takes cart 1 out of service from the screen
    r = client_for(clinic_admin).post(
        f"/availability/resources/{cart1.public_id}/out-of-service/", follow=True
    )
    page = r.content.decode()

    # then 09:00 and 11:00 now hold cart 2; 10:00 keeps cart 1 (no other free) and is named
    def held(appt):
        return appt.resource_bookings.get(active=True).resource

    assert (held(nine), held(ten), held(eleven)) == (cart2, cart1, cart2)
    assert "2 upcoming visits now use another ECG cart." in page
    assert "No other ECG cart is free for 1 upcoming visit, which still holds ECG cart 1" in page
    assert ten.patient.display_name in page and "10:00" in page
    # and each hand-over is in the audit log
    moves = AuditEvent.objects.filter(detail__has_key="resource_replaced")
    assert moves.count() == 2


def test_taking_out_of_service_reports_what_moved_and_what_is_stuck(
    clinic_admin, front_desk, clinic, provider, ecg, templated, monday, patient
):
    # given two ECG visits on the only cart: nothing else of its kind exists
    cart = ecg["cart"]
    visits = [
        appointment_book(
            actor=front_desk,
            patient=patient,
            visit_type=ecg["visit_type"],
            provider=templated,
            start=at(clinic, monday, hh),
        )
        for hh in (9, 11)
    ]
    # when it goes out of service, then both are reported stuck, still holding it
    done = resource_take_out_of_service(actor=clinic_admin, resource=cart)
    assert done.moved == 0 and done.stuck == visits
    assert all(v.resource_bookings.get(active=True).resource == cart for v in visits)
    # and a second call changes nothing
    again = resource_take_out_of_service(actor=clinic_admin, resource=cart)
    assert (again.moved, again.stuck) == (0, [])


def test_kind_removal_says_why_it_is_refused(clinic_admin, clinic, kit, follow_up):
    # required by a rule
    rule = VisitTypeRule.objects.create(clinic=clinic, visit_type=follow_up)
    rule.required_kinds.add(kit["kind"])
    before = snapshot()
    with pytest.raises(ValidationFailed, match="Follow-up visits require it"):
        resource_kind_remove(actor=clinic_admin, kind=kit["kind"])
    rule.required_kinds.clear()
    # has resources in service
    with pytest.raises(ValidationFailed, match="in service. Take them out of service first"):
        resource_kind_remove(actor=clinic_admin, kind=kit["kind"])
    assert snapshot() == before
    # only out-of-service resources: they keep their history
    resource_set_active(actor=clinic_admin, resource=kit["cart"], active=False)
    before = snapshot()
    with pytest.raises(ValidationFailed, match="keep their booking history"):
        resource_kind_remove(actor=clinic_admin, kind=kit["kind"])
    assert snapshot() == before


def test_an_unused_kind_is_removed_and_audited(clinic_admin):
    kind = resource_kind_create(actor=clinic_admin, name="Typo")
    resource_kind_remove(actor=clinic_admin, kind=kind)
    assert not ResourceKind.objects.filter(pk=kind.pk).exists()
    event = AuditEvent.objects.filter(object_id=str(kind.public_id)).latest("at")
    assert event.detail == {"removed": True, "name": "Typo"}


# ---------------------------------------------------------------------------- screens


def _request(case, w):
    kind, cart = w["kind"], w["cart"]
    match case:
        case "resources":
            return "get", "/availability/resources/", None
        case "kind_add":
            return "post", "/availability/resources/kinds/add/", {"name": "Spirometer"}
        case "kind_rename":
            return (
                "post",
                f"/availability/resources/kinds/{kind.public_id}/rename/",
                {"name": "ECG machine"},
            )
        case "kind_remove":
            return "post", f"/availability/resources/kinds/{w['spare'].public_id}/remove/", {}
        case "resource_add":
            return (
                "post",
                "/availability/resources/add/",
                {"kind": kind.public_id, "location": w["main"].public_id, "name": "Cart 2"},
            )
        case "resource_edit":
            return (
                "post",
                f"/availability/resources/{cart.public_id}/edit/",
                {"name": "Cart A", "room": ""},
            )
        case "out_of_service":
            return "post", f"/availability/resources/{cart.public_id}/out-of-service/", {}
        case "back_in_service":
            return "post", f"/availability/resources/{w['old'].public_id}/back-in-service/", {}
    raise AssertionError(case)


CASES = [
    ("resources", 200),
    ("kind_add", 302),
    ("kind_rename", 302),
    ("kind_remove", 302),
    ("resource_add", 302),
    ("resource_edit", 302),
    ("out_of_service", 302),
    ("back_in_service", 302),
]


@pytest.fixture
def world(cast, clinic, main, kit):
    old = Resource.objects.create(
        clinic=clinic, kind=kit["kind"], location=main, name="Old cart", active=False
    )
    spare = ResourceKind.objects.create(clinic=clinic, name="Spare")
    return {**kit, "main": main, "old": old, "spare": spare}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("case", "ok"), CASES, ids=[c[0] for c in CASES])
def test_role_matrix(role, case, ok, world, cast, client_for):
    # given a user in a role (or nobody)
    client = client_for(cast[role] if role else None)
    method, url, data = _request(case, world)
    before = snapshot()
    # when they open or post
    response = getattr(client, method)(url, data) if data is not None else client.get(url)
    # then only the clinic admin gets through; a refused request changed nothing
    if role is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif role == "clinic_admin":
        assert response.status_code == ok, response.content[:500]
    else:
        assert response.status_code == 403
        assert "Resources" not in response.content.decode()
    if role != "clinic_admin" or method == "get":
        assert snapshot() == before


def test_another_clinics_admin_gets_404_and_changes_nothing(world, other_clinic, client_for):

    client = client_for(factories.make_user(other_clinic, "clinic_admin", "otheradmin"))
    before = snapshot()
    for case in ("kind_rename", "kind_remove", "resource_edit", "out_of_service"):
        method, url, data = _request(case, world)
        assert client.post(url, data).status_code == 404, case
    page = client.get("/availability/resources/").content.decode()
    assert "ECG cart 1" not in page
    assert snapshot() == before


def test_page_lists_kinds_resources_rooms_and_status(
    clinic_admin, client_for, clinic, world, follow_up
):
    rule = VisitTypeRule.objects.create(clinic=clinic, visit_type=follow_up)
    rule.required_kinds.add(world["kind"])
    Resource.objects.filter(pk=world["cart"].pk).update(room=world["main"].rooms.first())
    html = client_for(clinic_admin).get("/availability/resources/").content.decode()
    assert "ECG cart 1" in html and "Old cart" in html and "Exam 1" in html
    assert "In service" in html and "Out of service" in html
    assert "Required by: Follow-up." in html
    # a kind in use says why it can't be removed; an unused one offers the button
    assert "Can't be removed: required by Follow-up; has resources in service" in html
    assert "Remove the kind Spare" in html
    assert 'href="/availability/visit-types/"' in html


def test_page_query_count_does_not_grow_with_resources(
    clinic_admin, client_for, world, django_assert_max_num_queries
):
    client = client_for(clinic_admin)
    for n in range(10):
        kind = ResourceKind.objects.create(clinic=world["main"].clinic, name=f"Kind {n}")
        for m in range(3):
            Resource.objects.create(
                clinic=kind.clinic, kind=kind, location=world["main"], name=f"R{n}-{m}"
            )
    with django_assert_max_num_queries(15) as few:
        assert client.get("/availability/resources/").status_code == 200
    for n in range(10, 20):
        kind = ResourceKind.objects.create(clinic=world["main"].clinic, name=f"Kind {n}")
        Resource.objects.create(clinic=kind.clinic, kind=kind, location=world["main"], name=f"R{n}")
    with django_assert_max_num_queries(len(few)) as many:
        assert client.get("/availability/resources/").status_code == 200
    assert len(many) == len(few)


def test_admin_adds_kind_and_resource_through_the_screen(clinic_admin, client_for, main):
    client = client_for(clinic_admin)
    r = client.post("/availability/resources/kinds/add/", {"name": "Procedure room"})
    assert r.status_code == 302
    kind = ResourceKind.objects.get(name="Procedure room")
    room = main.rooms.get(name="Exam 2")
    r = client.post(
        "/availability/resources/add/",
        {
            "kind": kind.public_id,
            "location": main.public_id,
            "room": room.public_id,
            "name": "Procedure 1",
        },
        follow=True,
    )
    html = r.content.decode()
    assert "Added Procedure 1 (Procedure room) at" in html
    assert Resource.objects.get(name="Procedure 1").room == room


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("kinds/add/", {"name": "ECG cart"}, "There is already a kind called"),
        ("kinds/add/", {"name": ""}, "Give it a name."),
        ("kinds/add/", {"name": "x" * 101}, "limited to 100 characters"),
        ("add/", {"kind": "KIND", "location": "MAIN", "name": "ECG cart 1"}, "already a resource"),
        ("add/", {"kind": "KIND", "location": "MAIN", "name": "C", "room": "ANNEX_ROOM"}, "not at"),
        ("add/", {"kind": "", "location": "MAIN", "name": "C"}, "Choose a kind."),
        ("add/", {"kind": "nonsense", "location": "MAIN", "name": "C"}, "no such kind"),
        ("add/", {"kind": "KIND", "location": "THEIRS", "name": "C"}, "no such location"),
        ("add/", {"kind": "KIND", "location": "MAIN", "name": ""}, "Give it a name."),
        ("kinds/KIND/rename/", {"name": ""}, "Could not rename “ECG cart”: Give it a name."),
        ("CART/edit/", {"name": "Cart", "room": "ANNEX_ROOM"}, "Could not save ECG cart 1"),
        ("CART/edit/", {"name": "Old cart"}, "already a resource called “Old cart”"),
        ("CART/edit/", {"name": "Cart", "room": "bad"}, "no such room"),
        ("kinds/KIND/remove/", {}, "in service. Take them out of service first"),
    ],
)
def test_bad_input_on_the_screen_is_explained_and_changes_nothing(
    clinic_admin, client_for, world, annex, other_clinic, url, data, message
):
    ids = {
        "KIND": str(world["kind"].public_id),
        "CART": str(world["cart"].public_id),
        "MAIN": str(world["main"].public_id),
        "ANNEX_ROOM": str(annex.rooms.get().public_id),
        "THEIRS": str(other_clinic.locations.get().public_id),
    }
    for key, value in ids.items():
        url = url.replace(key, value)
    data = {k: ids.get(v, v) for k, v in data.items()}
    before = snapshot()
    r = client_for(clinic_admin).post(f"/availability/resources/{url}", data)
    html = r.content.decode()
    assert r.status_code == 422, html[:300]
    assert message in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert snapshot() == before


def test_renaming_a_kind_to_its_own_name_writes_nothing(clinic_admin, kit):
    before = snapshot()
    resource_kind_rename(actor=clinic_admin, kind=kit["kind"], name=" ECG  cart ")
    assert snapshot() == before


def test_the_django_admin_still_lists_what_the_screen_made(clinic_admin, client_for, kit):
    # given a clinic admin allowed into the Django admin
    clinic_admin.is_staff = True
    clinic_admin.save()
    client = client_for(clinic_admin)
    # then the admin's resource and rule lists still open, with the screen's rows
    r = client.get("/admin/availability/resource/")
    assert r.status_code == 200 and "ECG cart 1" in r.content.decode()
    assert client.get("/admin/availability/visittyperule/").status_code == 200
    assert client.get("/admin/availability/resourcekind/").status_code == 200
    # and the set-up page links to both screens and to the admin
    html = client.get("/availability/").content.decode()
    assert 'href="/availability/resources/"' in html
    assert 'href="/availability/visit-types/"' in html
    assert 'href="/admin/"' in html

"""The billing set-up screens: payers, the fee schedule, the billing provider and the places of
service. Who may (clinic admin; biller for billing details) and who is refused; bad input is
refused in words and saves nothing; another clinic's rows are not found."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medassist.audit.models import AuditEvent
from medassist.billing import selectors, services_setup
from medassist.billing.models import BillingProvider, FeeScheduleItem, PayerBilling
from medassist.core.errors import PermissionDenied
from medassist.practice.models import Payer
from tests.billing.conftest import PROVIDER

PAYER_FORM = {
    "name": "Harbor Health Plan",
    "payer_id": "hhp01",
    "filing_indicator": "CI",
    "submission": "837p",
    "address_line1": "PO Box 100",
    "city": "Albany",
    "state": "ny",
    "postal_code": "12207-1234",
}
SETUP_PAGES = [
    "/billing/setup/",
    "/billing/setup/payers/",
    "/billing/setup/fees/",
    "/billing/setup/provider/",
]


def _provider_form(**changes) -> dict:
    form = {**PROVIDER, "npi": "1234567893", "usage": "T", "default_place_of_service": "11"}
    form.update(changes)
    return form


def _snapshot() -> tuple:
    return (
        list(Payer.objects.values_list("name", "payer_id", "active")),
        list(PayerBilling.objects.values_list("filing_indicator", "submission", "state")),
        list(FeeScheduleItem.objects.values_list("code", "price", "active")),
        list(BillingProvider.objects.values_list("npi", "tin", "default_place_of_service")),
    )


# --- who may -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician"])
def test_roles_without_billing_setup_are_refused_and_nothing_changes(
    role, request, client_for, billing_setup
):
    # given a clinic with billing set up, and a user of a role that does not set it up
    user = request.getfixturevalue(role)
    client = client_for(user)
    payer = billing_setup
    item = FeeScheduleItem.objects.first()
    before = _snapshot()
    # when they open or post every set-up screen
    for path in SETUP_PAGES:
        assert client.get(path).status_code == 403, path
    posts = {
        "/billing/setup/payers/": PAYER_FORM,
        f"/billing/setup/payers/{payer.public_id}/": {**PAYER_FORM, "filing_indicator": "MB"},
        "/billing/setup/fees/": {
            "system": "HCPCS",
            "code": "J1100",
            "description": "x",
            "price": "1",
        },
        f"/billing/setup/fees/{item.public_id}/": {
            "system": item.system,
            "description": "x",
            "price": "9",
        },
        "/billing/setup/provider/": _provider_form(name="Someone Else"),
    }
    for path, data in posts.items():
        # then each is refused and nothing changed
        assert client.post(path, data).status_code == 403, path
    assert _snapshot() == before


def test_another_clinics_payer_and_fee_item_are_not_found(
    client_for, billing_setup, other_clinic, other_clinic_physician, biller
):
    # given a payer and a fee item of another clinic
    theirs = Payer.objects.create(clinic=other_clinic, name="Their plan", payer_id="T1")
    item = FeeScheduleItem.objects.create(
        clinic=other_clinic, system="HCPCS", code="J1100", description="Theirs", price="5.00"
    )
    client = client_for(biller)
    # when our biller opens or posts them, then they are not found and unchanged
    assert client.get(f"/billing/setup/payers/{theirs.public_id}/").status_code == 404
    assert client.post(f"/billing/setup/payers/{theirs.public_id}/", PAYER_FORM).status_code == 404
    assert client.get(f"/billing/setup/fees/{item.public_id}/").status_code == 404
    assert (
        client.post(
            f"/billing/setup/fees/{item.public_id}/",
            {"system": "HCPCS", "description": "Ours now", "price": "1.00"},
        ).status_code
        == 404
    )
    assert not PayerBilling.objects.filter(payer=theirs).exists()
    item.refresh_from_db()
    assert item.description == "Theirs"


# --- payers --------------------------------------------------------------------------------


def test_clinic_admin_adds_a_payer_with_its_billing_details(client_for, clinic_admin, clinic):
    # given the clinic admin on the payers screen
    client = client_for(clinic_admin)
    assert "Add a payer" in client.get("/billing/setup/payers/").content.decode()
    # when they add a payer
    response = client.post("/billing/setup/payers/", PAYER_FORM)
    # then it is saved with its billing details, audited, and listed
    assert response.status_code == 302
    payer = Payer.objects.get(clinic=clinic, name="Harbor Health Plan")
    assert payer.payer_id == "HHP01"
    details = payer.billing
    assert (details.filing_indicator, details.state, details.postal_code) == (
        "CI",
        "NY",
        "122071234",
    )
    assert AuditEvent.objects.filter(object_type="billing.PayerBilling").exists()
    listing = client.get("/billing/setup/payers/").content.decode()
    assert "Harbor Health Plan" in listing and "Commercial insurance" in listing


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"state": "New York"}, "two"),
        ({"postal_code": "1220"}, "ZIP is 5 or 9 digits"),
        ({"payer_id": "", "submission": "837p"}, "needs its payer id"),
        ({"payer_id": "HH-01"}, "letters and digits only"),
        ({"filing_indicator": "XX"}, "Select a valid choice"),
    ],
)
def test_bad_payer_input_is_refused_in_words_and_saves_nothing(
    client_for, clinic_admin, change, words
):
    client = client_for(clinic_admin)
    before = _snapshot()
    response = client.post("/billing/setup/payers/", {**PAYER_FORM, **change})
    assert response.status_code == 422
    assert words in response.content.decode()
    assert _snapshot() == before


def test_biller_sets_billing_details_but_not_the_payers_name_or_id(
    client_for, biller, billing_setup
):
    # given a payer, and the biller (billing.setup, not practice.manage)
    payer = billing_setup
    client = client_for(biller)
    page = client.get("/billing/setup/payers/").content.decode()
    assert "Add a payer" not in page
    assert client.post("/billing/setup/payers/", PAYER_FORM).status_code == 403
    # when the biller changes the billing details, and tries the name in the same post
    response = client.post(
        f"/billing/setup/payers/{payer.public_id}/",
        {**PAYER_FORM, "name": "Renamed", "submission": "paper", "filing_indicator": "MB"},
    )
    # then the billing details change and the name (a disabled field) does not
    assert response.status_code == 302
    payer.refresh_from_db()
    assert payer.name != "Renamed"
    assert (payer.billing.filing_indicator, payer.billing.submission) == ("MB", "paper")
    # and the service itself refuses a biller's rename, changing nothing
    with pytest.raises(PermissionDenied):
        services_setup.payer_setup_save(
            actor=biller,
            payer=payer,
            name="Renamed",
            payer_id=payer.payer_id,
            filing_indicator="CI",
        )
    payer.refresh_from_db()
    assert payer.name != "Renamed" and payer.billing.filing_indicator == "MB"


def test_payer_list_query_count_does_not_grow_with_payers(
    client_for, clinic_admin, clinic, django_assert_max_num_queries
):
    for n in range(8):
        payer = Payer.objects.create(clinic=clinic, name=f"Plan {n}", payer_id=f"P{n}")
        PayerBilling.objects.create(clinic=clinic, payer=payer)
    client = client_for(clinic_admin)
    client.get("/billing/setup/payers/")
    with django_assert_max_num_queries(12):
        assert client.get("/billing/setup/payers/").status_code == 200


# --- fee schedule --------------------------------------------------------------------------


def test_fee_schedule_add_edit_and_deactivate(client_for, clinic_admin, clinic):
    client = client_for(clinic_admin)
    # given an empty fee schedule: the demo sample can be loaded, labelled DEMO
    assert client.post("/billing/setup/fees/", {"action": "demo"}).status_code == 302
    page = client.get("/billing/setup/fees/").content.decode()
    assert "DEMO" in page and "CPT is licensed" in page
    # when the admin types in a CPT code and a HCPCS Level II code of the clinic's own
    for data in (
        {"system": "CPT", "code": "99215", "description": "Office visit, level 5", "price": "165"},
        {
            "system": "HCPCS",
            "code": "g0009",
            "description": "Pneumococcal shot given",
            "price": "25.50",
        },
    ):
        assert client.post("/billing/setup/fees/", data).status_code == 302
    item = FeeScheduleItem.objects.get(clinic=clinic, code="G0009")
    assert item.price == Decimal("25.50") and not item.demo
    # and edits one: new price, modifiers, not offered any more
    response = client.post(
        f"/billing/setup/fees/{item.public_id}/",
        {
            "system": "HCPCS",
            "description": "Pneumococcal shot given",
            "price": "27.00",
            "modifiers": "rt",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.price, item.modifiers, item.active) == (Decimal("27.00"), "RT", False)
    # then the demo sample cannot be loaded over the clinic's own prices
    response = client.post("/billing/setup/fees/", {"action": "demo"})
    assert response.status_code == 422 and "only for an empty schedule" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"system": "CPT", "code": "9921", "price": "10"}, "five characters"),
        ({"system": "HCPCS", "code": "99213", "price": "10"}, "a letter and four digits"),
        ({"system": "CPT", "code": "99299", "price": "-5"}, "cannot be negative"),
        ({"system": "CPT", "code": "99299", "price": "ten"}, "is not an amount"),
        ({"system": "CPT", "code": "99299", "price": "10.005"}, "two decimal places"),
        ({"system": "CPT", "code": "99299", "price": "10", "modifiers": "ABC"}, "modifier"),
        ({"system": "CPT", "code": "99213", "price": "10"}, "already on the fee schedule"),
    ],
)
def test_bad_fee_items_are_refused_in_words(client_for, biller, billing_setup, data, words):
    client = client_for(biller)
    before = _snapshot()
    response = client.post("/billing/setup/fees/", {"description": "Visit", **data})
    assert response.status_code == 422
    assert words in response.content.decode()
    assert _snapshot() == before


# --- billing provider and places of service ------------------------------------------------


def test_billing_provider_saved_from_the_screen_with_places_of_service(
    client_for, clinic_admin, clinic
):
    client = client_for(clinic_admin)
    assert "Not set up yet" in client.get("/billing/setup/").content.decode()
    # when the admin saves the provider typed as people type (dash in the TIN, ZIP+4, phone)
    response = client.post(
        "/billing/setup/provider/",
        _provider_form(
            tin="12-3456789",
            postal_code="12207-1234",
            contact_phone="(518) 555-0100",
            places_of_service=["11", "02", "10"],
            default_place_of_service="11",
        ),
    )
    # then it is saved, and the superbill offers only the chosen places
    assert response.status_code == 302
    provider = BillingProvider.objects.get(clinic=clinic)
    assert (provider.tin, provider.postal_code, provider.contact_phone) == (
        "123456789",
        "122071234",
        "5185550100",
    )
    places, default = selectors.places_of_service_offered(clinic=clinic)
    assert [code for code, _ in places] == ["02", "10", "11"] and default == "11"
    assert "NPI 1234567893" in client.get("/billing/setup/").content.decode()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"npi": "1234567890"}, "check digit is wrong"),
        ({"npi": "12345"}, "exactly 10 digits"),
        ({"tin": "12345678"}, "nine digits"),
        ({"postal_code": "12207"}, "nine digits (ZIP+4)"),
        ({"taxonomy": "207Q00000"}, "ending in X"),
        ({"places_of_service": ["02"], "default_place_of_service": "11"}, "must be one of"),
    ],
)
def test_bad_billing_provider_is_refused_in_words_and_saves_nothing(
    client_for, biller, billing_setup, change, words
):
    client = client_for(biller)
    before = _snapshot()
    response = client.post("/billing/setup/provider/", _provider_form(**change))
    assert response.status_code == 422
    assert words in response.content.decode()
    assert _snapshot() == before


def test_setup_hub_and_billing_home_link_the_billing_setup(client_for, clinic_admin, biller):
    admin = client_for(clinic_admin)
    assert "/billing/setup/" in admin.get("/setup/").content.decode()
    assert "/billing/setup/" in admin.get("/billing/worklist/").content.decode()
    # a biller has no clinic set-up hub but reaches billing set-up from the billing home
    desk = client_for(biller)
    assert desk.get("/setup/").status_code == 403
    assert "/billing/setup/" in desk.get("/billing/worklist/").content.decode()
    assert desk.get("/billing/setup/").status_code == 200


def test_fee_list_query_count_does_not_grow_with_items(
    client_for, biller, billing_setup, django_assert_max_num_queries
):
    # given the demo sample (16 items) on the schedule
    client = client_for(biller)
    client.get("/billing/setup/fees/")
    # then the list is a fixed handful of queries
    with django_assert_max_num_queries(12):
        assert client.get("/billing/setup/fees/").status_code == 200

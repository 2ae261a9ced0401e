"""The demo clinic's set-up: clinic, locations, rooms, staff logins, providers, visit types,
payers. Everything is validated with the models' own rules before it is saved."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection

from medassist.core.errors import from_django_validation
from medassist.practice.models import Clinic, Location, Payer, Provider, Room, User, VisitType
from medassist.practice.roles import Role
from medassist.practice.validators import npi_is_valid

CLINIC_NAME = "Riverside Family Medicine"
PASSWORD = "medassist-demo"  # noqa: S105 - a published demo login, on demo data only

LOCATIONS = [
    # name, street, city, postal code, phone, rooms (name, kind)
    (
        "Riverside Main",
        "410 River St",
        "Troy",
        "12180",
        "+15185550110",
        [
            ("Exam 1", Room.Kind.EXAM),
            ("Exam 2", Room.Kind.EXAM),
            ("Exam 3", Room.Kind.EXAM),
            ("Procedure", Room.Kind.PROCEDURE),
            ("Lab Draw", Room.Kind.LAB),
        ],
    ),
    (
        "Northgate",
        "25 Northgate Plaza",
        "Latham",
        "12110",
        "+15185550120",
        [("Exam 1", Room.Kind.EXAM), ("Exam 2", Room.Kind.EXAM), ("Exam 3", Room.Kind.EXAM)],
    ),
]

# code, name, minutes
VISIT_TYPES = [
    ("new-patient", "New patient", 40),
    ("follow-up", "Follow-up", 20),
    ("annual-physical", "Annual physical", 30),
    ("sick-visit", "Sick visit", 15),
    ("procedure", "Procedure", 30),
    ("nurse-visit", "Nurse visit", 15),
    ("telehealth", "Telehealth", 20),
]

# name, electronic payer id, kind (drives member ids and copays)
PAYERS = [
    ("Aetna", "60054", "commercial"),
    ("Blue Cross Blue Shield", "00803", "commercial"),
    ("UnitedHealthcare", "87726", "commercial"),
    ("Cigna", "62308", "commercial"),
    ("Medicare", "13202", "medicare"),
    ("Medicaid (NY)", "NYMCD", "medicaid"),
]


@dataclass(frozen=True)
class ProviderSpec:
    username: str
    first: str
    last: str
    credentials: str
    specialty: str
    # Which location on each weekday (Mon=0 … Sun=6); a missing day means the provider is off.
    days: dict[int, str]
    ages: tuple[int, int]
    procedures: bool


MAIN, NORTH = "Riverside Main", "Northgate"
WEEK_MAIN = {d: MAIN for d in range(7)}
WEEK_NORTH = {d: NORTH for d in range(7)}
ALTERNATE = {0: MAIN, 1: NORTH, 2: MAIN, 3: NORTH, 4: MAIN, 5: MAIN, 6: MAIN}
ALTERNATE_OTHER = {0: NORTH, 1: MAIN, 2: NORTH, 3: MAIN, 5: NORTH, 6: NORTH}

PROVIDERS = [
    ProviderSpec("doctor", "Sarah", "Chen", "MD", "Family Medicine", WEEK_MAIN, (0, 95), True),
    ProviderSpec("okafor", "Marcus", "Okafor", "DO", "Family Medicine", ALTERNATE, (12, 95), True),
    ProviderSpec("raman", "Priya", "Raman", "MD", "Internal Medicine", WEEK_MAIN, (18, 95), True),
    ProviderSpec(
        "vasquez",
        "Elena",
        "Vasquez",
        "NP",
        "Family Nurse Practitioner",
        ALTERNATE_OTHER,
        (0, 95),
        False,
    ),
    ProviderSpec("obrien", "James", "O'Brien", "PA-C", "Family Medicine", WEEK_MAIN, (5, 95), True),
    ProviderSpec("rahman", "Aisha", "Rahman", "MD", "Pediatrics", WEEK_NORTH, (0, 17), False),
]

# username, first, last, role, home location
STAFF = [
    ("frontdesk", "Dana", "Whitfield", Role.FRONT_DESK, MAIN),
    ("frontdesk2", "Luis", "Ortega", Role.FRONT_DESK, NORTH),
    ("ma", "Keisha", "Brown", Role.MEDICAL_ASSISTANT, MAIN),
    ("ma2", "Tom", "Nguyen", Role.MEDICAL_ASSISTANT, NORTH),
    ("biller", "Rita", "Castellano", Role.BILLER, MAIN),
    ("admin", "Margaret", "Osei", Role.CLINIC_ADMIN, MAIN),
]


def usernames() -> list[str]:
    return [s[0] for s in STAFF] + [p.username for p in PROVIDERS]


@dataclass
class Practice:
    """The saved set-up, with lookups the rest of the generator needs."""

    clinic: Clinic
    locations: dict[str, Location]
    rooms: dict[str, list[Room]]
    visit_types: dict[str, VisitType]
    payers: dict[str, list[Payer]]  # by kind
    providers: list[Provider]
    specs: dict[int, ProviderSpec]  # by provider pk
    users: dict[str, User]
    front_desk: dict[str, User] = field(default_factory=dict)  # by location name
    assistant: dict[str, User] = field(default_factory=dict)  # by location name


def demo_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def valid_npi(rng: random.Random) -> str:
    """A 10-digit NPI whose Luhn check digit is right (checked with the app's validator)."""
    base = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    for check in range(10):
        if npi_is_valid(base + str(check)):
            return base + str(check)
    raise AssertionError("no check digit fits")  # pragma: no cover - Luhn always has one


def checked(obj):
    """Run the model's own field validation (foreign keys are set by us, not typed)."""
    exclude = [f.name for f in obj._meta.fields if f.is_relation]
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    return obj


def write_columns(model, fields: list[str], rows: list[tuple]) -> None:
    """UPDATE `fields` of many rows at once: rows are (pk, value, value, ...). Much faster than
    bulk_update, whose CASE expressions dominate the load time on thousands of rows."""
    if not rows:
        return
    meta, qn = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(value, connection) for f, value in zip(columns, row[1:], strict=True)]
        + [row[0]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def stamp(model, rows: list[tuple]) -> None:
    """Give bulk-created rows the created/updated times of the moment they stand for
    (bulk_create stamps them "now"): rows are (object, created_at, updated_at)."""
    for obj, created, updated in rows:
        obj.created_at, obj.updated_at = created, updated
    write_columns(model, ["created_at", "updated_at"], [(o.pk, c, u) for o, c, u in rows])


def build(rng: random.Random) -> Practice:
    clinic = checked(
        Clinic(
            name=CLINIC_NAME,
            timezone="America/New_York",
            state="NY",
            phone="+15185550110",
            mrn_prefix="RF",
        )
    )
    clinic.save()
    locations: dict[str, Location] = {}
    rooms: dict[str, list[Room]] = {}
    for name, street, city, postal, phone, room_specs in LOCATIONS:
        loc = checked(
            Location(
                clinic=clinic,
                name=name,
                address_line1=street,
                city=city,
                state="NY",
                postal_code=postal,
                phone=phone,
            )
        )
        loc.save()
        locations[name] = loc
        rooms[name] = Room.objects.bulk_create(
            [checked(Room(location=loc, name=n, kind=k)) for n, k in room_specs]
        )
    visit_types = {
        code: checked(VisitType(clinic=clinic, code=code, name=name, duration_minutes=minutes))
        for code, name, minutes in VISIT_TYPES
    }
    VisitType.objects.bulk_create(visit_types.values())
    payer_rows = [
        (kind, checked(Payer(clinic=clinic, name=name, payer_id=pid))) for name, pid, kind in PAYERS
    ]
    Payer.objects.bulk_create([p for _, p in payer_rows])
    payers: dict[str, list[Payer]] = {}
    for kind, payer in payer_rows:
        payers.setdefault(kind, []).append(payer)

    # One slow hash for every demo login (they share the published password).
    password = make_password(PASSWORD)
    users: dict[str, User] = {}
    for username, first, last, role, _home in STAFF:
        users[username] = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@riverside.example",
            clinic=clinic,
            role=role,
            is_staff=role == Role.CLINIC_ADMIN,
            password=password,
        )
    for spec in PROVIDERS:
        users[spec.username] = User(
            username=spec.username,
            first_name=spec.first,
            last_name=spec.last,
            email=f"{spec.username}@riverside.example",
            clinic=clinic,
            role=Role.PHYSICIAN,
            password=password,
        )
    for user in users.values():
        user.save()

    providers, specs = [], {}
    for spec in PROVIDERS:
        provider = checked(
            Provider(
                public_id=demo_uuid(rng),
                clinic=clinic,
                user=users[spec.username],
                first_name=spec.first,
                last_name=spec.last,
                credentials=spec.credentials,
                npi=valid_npi(rng),
                specialty=spec.specialty,
            )
        )
        provider.save()
        provider.locations.set([locations[n] for n in sorted(set(spec.days.values()))])
        providers.append(provider)
        specs[provider.pk] = spec
    practice = Practice(
        clinic=clinic,
        locations=locations,
        rooms=rooms,
        visit_types=visit_types,
        payers=payers,
        providers=providers,
        specs=specs,
        users=users,
    )
    for username, _first, _last, role, home in STAFF:
        if role == Role.FRONT_DESK:
            practice.front_desk[home] = users[username]
        elif role == Role.MEDICAL_ASSISTANT:
            practice.assistant[home] = users[username]
    return practice


def logins() -> list[tuple[str, str, str]]:
    """(username, what they do, password) for every demo login."""
    rows = []
    for username, first, last, role, home in STAFF:
        extra = " (also the Django admin at /admin/)" if role == Role.CLINIC_ADMIN else ""
        rows.append((username, f"{Role(role).label}, {first} {last}, {home}{extra}", PASSWORD))
    for spec in PROVIDERS:
        rows.append(
            (
                spec.username,
                f"Physician role: {spec.first} {spec.last}, {spec.credentials}, {spec.specialty}",
                PASSWORD,
            )
        )
    return rows

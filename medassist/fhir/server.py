"""The FHIR interactions, independent of HTTP: read, search, create, update, $everything and
batch/transaction Bundles. Views (and Bundle entries) call these; errors are FhirError."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_patients_listed, audit_record
from medassist.core import jsonbody
from medassist.core.errors import ApplicationError, NotFound
from medassist.fhir import search as s
from medassist.fhir.errors import FhirError, invalid, not_found
from medassist.fhir.mappers.common import instant, parse, validate
from medassist.fhir.mappers.patient import source_identifiers
from medassist.fhir.resources import TYPES, Ctx, Item, Source
from medassist.fhir.writers import WRITERS, Resolver
from medassist.patients.selectors import access_patient
from medassist.practice.roles import require

MAX_BUNDLE_ENTRIES = 500
# permission checked before a write is even parsed (the service checks it again)
WRITE_PERMISSION = {
    ("Patient", "create"): "patient.register",
    ("Patient", "update"): "patient.edit",
    ("Appointment", "create"): "appointment.book",
    ("Appointment", "update"): "appointment.cancel",
}
CHART_WRITE_PERMISSION = "chart.edit"


@dataclass
class Result:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)
    obj: object = None


def sources_for(rtype: str) -> list[Source]:
    found = TYPES.get(rtype)
    if found is None:
        raise not_found(f"This server does not serve {rtype} resources.")
    return found


def _version_headers(resource: dict, location: str) -> dict[str, str]:
    headers = {}
    version = resource.get("meta", {}).get("versionId")
    if version:
        headers["ETag"] = f'W/"{version}"'
    if resource.get("meta", {}).get("lastUpdated"):
        headers["Last-Modified"] = resource["meta"]["lastUpdated"]
    if location:
        headers["Location"] = location
    return headers


def _location(ctx: Ctx, resource: dict) -> str:
    url = f"{ctx.base_url}/{resource['resourceType']}/{resource['id']}"
    version = resource.get("meta", {}).get("versionId")
    return f"{url}/_history/{version}" if version else url


def _render(ctx: Ctx, source: Source, items: list[Item]) -> list[dict]:
    if items and source.model.__name__ == "Patient":
        ctx.identifiers = source_identifiers(
            ctx.user.clinic_id,  # type: ignore[attr-defined]
            "Patient",
            [obj.public_id for obj, _ in items],  # type: ignore[attr-defined]
        )
    return [source.to_fhir(item, ctx) for item in items]


# --- read -------------------------------------------------------------------------------


def read(ctx: Ctx, rtype: str, rid: str) -> Result:
    sources = sources_for(rtype)
    denied: ApplicationError | None = None
    for source in sources:
        try:
            item = source.read(ctx, rid)
        except NotFound:
            continue
        except ApplicationError as exc:  # permission: try the next table, then refuse
            denied = exc
            continue
        resource = _render(ctx, source, [item])[0]
        return Result(200, resource, _version_headers(resource, ""))
    if denied is not None:
        raise FhirError.from_application(denied)
    raise not_found(f"No {rtype} with id {rid}.")


# --- search -----------------------------------------------------------------------------


def search(ctx: Ctx, rtype: str, params: list[tuple[str, str]], *, posted: bool = False) -> Result:
    """GET [type]?params, or (posted) POST [type]/_search with the params in its body."""
    all_sources = sources_for(rtype)
    sources = [src for src in all_sources if src.allowed(ctx.user)]
    if not sources:
        require(ctx.user, all_sources[0].permission)
    paging, filters = s.paging(params)
    for name, _ in filters:
        if ":" in name:
            raise invalid(f"Search modifiers are not supported ({name}).", expression=name)
        if not any(src.supports(name) for src in all_sources):
            raise invalid(f"Unknown search parameter {name!r} for {rtype}.", expression=name)
    states = []
    for src in sources:
        state = src.base(ctx)
        usable = True
        for name, value in filters:
            if not src.supports(name):
                usable = False
                break
            state = src.filter(state, name, value, ctx)
        if usable:
            states.append((src, state))
    counts = [src.count(state) for src, state in states]
    total = sum(counts)
    entries: list[dict] = []
    offset, wanted = paging.offset, paging.count
    for (src, state), n in zip(states, counts, strict=True):
        if wanted <= 0:
            break
        if offset >= n:
            offset -= n
            continue
        items = src.page(state, offset, wanted)
        offset = 0
        wanted -= len(items)
        for item, resource in zip(items, _render(ctx, src, items), strict=True):
            entries.append(
                {
                    "fullUrl": f"{ctx.base_url}/{rtype}/{resource['id']}",
                    "resource": resource,
                    "search": {"mode": "match"},
                    "_patient": src.patient_of(item[0]),
                }
            )
    patients = {p.pk: p for p in (e.pop("_patient") for e in entries) if p is not None}
    if patients:
        audit_patients_listed(
            actor=ctx.user,
            patients=patients.values(),
            object_type=f"fhir.{rtype}",
            detail={"fhir": "search"},
        )
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": _links(ctx, rtype, params, paging, total, posted=posted),
        "entry": entries,
    }
    return Result(200, _valid_bundle(bundle))


def _links(
    ctx: Ctx, rtype: str, params, paging: s.Paging, total: int, *, posted: bool
) -> list[dict]:
    # A POSTed search keeps its filters out of URLs: its links name [type]/_search and the
    # page only (_count, _offset), to be POSTed again with the same body.
    kept = [] if posted else [(k, v) for k, v in params if k not in ("_count", "_offset")]
    path = f"{rtype}/_search" if posted else rtype

    def url(offset: int) -> str:
        query = urlencode([*kept, ("_count", str(paging.count)), ("_offset", str(offset))])
        return f"{ctx.base_url}/{path}?{query}"

    links = [{"relation": "self", "url": url(paging.offset)}]
    if paging.count and paging.offset + paging.count < total:
        links.append({"relation": "next", "url": url(paging.offset + paging.count)})
    if paging.offset > 0:
        links.append(
            {"relation": "previous", "url": url(max(0, paging.offset - max(paging.count, 1)))}
        )
    return links


def _valid_bundle(bundle: dict) -> dict:
    """Check the Bundle's own structure (its resources were each checked when rendered)."""
    shell = {
        **bundle,
        "entry": [{k: v for k, v in e.items() if k != "resource"} for e in bundle.get("entry", [])],
    }
    if not shell["entry"]:
        shell.pop("entry")
        bundle.pop("entry", None)
    validate(shell)
    return bundle


# --- create / update --------------------------------------------------------------------


def _write_permission(rtype: str, action: str) -> str:
    return WRITE_PERMISSION.get((rtype, action), CHART_WRITE_PERMISSION)


def _source_of(rtype: str, obj) -> Source:
    for src in TYPES[rtype]:
        if isinstance(obj, src.model):
            return src
    raise not_found()


def create(ctx: Ctx, rtype: str, body, resolver: Resolver) -> Result:
    sources_for(rtype)
    writer = WRITERS.get(rtype)
    if writer is None or writer.create is None:
        raise FhirError(405, f"{rtype} resources cannot be created here.", code="not-supported")
    require(ctx.user, _write_permission(rtype, "create"))
    data = parse(body, rtype)
    obj = writer.create(ctx, data, resolver)
    resource = _render(ctx, _source_of(rtype, obj), [(obj, "")])[0]
    location = _location(ctx, resource)
    return Result(201, resource, _version_headers(resource, location), obj=obj)


def _current(ctx: Ctx, rtype: str, rid: str):
    """The object a PUT changes, through the screens' selectors (not audited as a read)."""
    user = ctx.user
    if rtype == "Patient":
        return access_patient(user=user, id=rid, audit=False)
    if rtype == "Appointment":
        from medassist.scheduling.selectors import access_appointment

        return access_appointment(user=user, id=rid, audit=False)
    from medassist.records.selectors import access_item

    source = TYPES[rtype][0]
    if s.uuid_or_none(rid) is None and len(TYPES[rtype]) > 1:
        raise FhirError(405, f"{rtype}/{rid} is read only.", code="not-supported")
    try:
        return access_item(user=user, item_type=source.item_type, id=rid)
    except NotFound:
        for other in TYPES[rtype][1:]:
            try:
                other.read(ctx, rid)
            except ApplicationError:
                continue
            raise FhirError(405, f"{rtype}/{rid} is read only.", code="not-supported") from None
        raise


def update(ctx: Ctx, rtype: str, rid: str, body, resolver: Resolver, if_match: str = "") -> Result:
    sources_for(rtype)
    writer = WRITERS.get(rtype)
    if writer is None or writer.update is None:
        raise FhirError(405, f"{rtype} resources cannot be updated here.", code="not-supported")
    require(ctx.user, _write_permission(rtype, "update"))
    data = parse(body, rtype)
    if data.get("id") != rid:
        raise invalid("The resource's id must be the id in the URL.", expression=f"{rtype}.id")
    obj = _current(ctx, rtype, rid)
    if if_match:
        current = f'W/"{getattr(obj, "version", "")}"'
        if if_match.strip() not in (current, current[2:]):
            raise FhirError(
                412,
                f"{rtype}/{rid} has changed (now version {getattr(obj, 'version', '?')}); "
                "read it again.",
                code="conflict",
            )
    obj = writer.update(ctx, obj, data, resolver)
    resource = _render(ctx, _source_of(rtype, obj), [(obj, "")])[0]
    return Result(200, resource, _version_headers(resource, _location(ctx, resource)), obj=obj)


# --- $everything ------------------------------------------------------------------------


def everything(ctx: Ctx, rid: str) -> Result:
    """Everything about one patient (the patient's record export), audited as an export."""
    from medassist.fhir.everything import patient_everything

    require(ctx.user, "record.export")
    patient = access_patient(user=ctx.user, id=rid, audit=False)
    audit_record(
        actor=ctx.user,
        action=AuditEvent.Action.EXPORT,
        obj=patient,
        patient=patient,
        detail={"fhir": "$everything"},
    )
    resources = patient_everything(ctx, patient)
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": instant(timezone.now()),
        "total": len(resources),
        "link": [{"relation": "self", "url": f"{ctx.base_url}/Patient/{rid}/$everything"}],
        "entry": [
            {
                "fullUrl": f"{ctx.base_url}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match" if r["resourceType"] != "Organization" else "include"},
            }
            for r in resources
        ],
    }
    return Result(200, _valid_bundle(bundle), obj=patient)


# --- batch and transaction --------------------------------------------------------------


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


def _entry_request(entry: dict, i: int) -> tuple[str, str]:
    request = entry.get("request") or {}
    method = (request.get("method") or "").upper()
    url = request.get("url") or ""
    if not method or not url:
        raise invalid(f"Entry {i}: request.method and request.url are required.")
    if request.get("ifNoneExist") or request.get("ifMatch") and method != "PUT":
        raise invalid(f"Entry {i}: conditional requests are not supported.")
    return method, url


def run_entry(ctx: Ctx, method: str, url: str, resource, resolver: Resolver, if_match="") -> Result:
    """One request of a Bundle, as if it had been sent on its own."""
    if url.startswith(ctx.base_url + "/"):
        url = url[len(ctx.base_url) + 1 :]
    path, _, query = url.lstrip("/").partition("?")
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise invalid(f"{url!r} is not a request this server understands.")
    rtype = parts[0]
    sources_for(rtype)
    if method == "GET":
        if len(parts) == 1:
            return search(ctx, rtype, parse_qsl(query, keep_blank_values=True))
        if len(parts) == 2:
            return read(ctx, rtype, parts[1])
        if len(parts) == 3 and rtype == "Patient" and parts[2] == "$everything":
            return everything(ctx, parts[1])
    elif method == "POST" and len(parts) == 1:
        return create(ctx, rtype, resource, resolver)
    elif method == "PUT" and len(parts) == 2:
        return update(ctx, rtype, parts[1], resource, resolver, if_match)
    raise FhirError(405, f"{method} {url} is not supported.", code="not-supported")


def _urn_refs(value) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "reference" and isinstance(v, str) and v.startswith("urn:uuid:"):
                found.add(v)
            else:
                found |= _urn_refs(v)
    elif isinstance(value, list):
        for v in value:
            found |= _urn_refs(v)
    return found


def _order(entries: list[dict], methods: list[str]) -> list[int]:
    """Transaction order: POSTs (each after the entries its urn:uuid references create), then
    PUTs, then GETs."""
    posts = [i for i, m in enumerate(methods) if m == "POST"]
    full_urls = {entries[i].get("fullUrl"): i for i in posts if entries[i].get("fullUrl")}
    deps = {
        i: {full_urls[r] for r in _urn_refs(entries[i].get("resource")) if r in full_urls} - {i}
        for i in posts
    }
    done: list[int] = []
    pending = list(posts)
    while pending:
        ready = [i for i in pending if deps[i] <= set(done)]
        if not ready:
            raise invalid("The transaction's entries reference each other in a circle.")
        done.extend(ready)
        pending = [i for i in pending if i not in ready]
    rest = [i for m in ("PUT", "GET") for i, mm in enumerate(methods) if mm == m]
    return done + rest


def _response_entry(ctx: Ctx, result: Result, full_url: str = "") -> dict:
    response: dict = {"status": _status_line(result.status)}
    if result.headers.get("Location"):
        response["location"] = result.headers["Location"]
    if result.headers.get("ETag"):
        response["etag"] = result.headers["ETag"]
    if result.headers.get("Last-Modified"):
        response["lastModified"] = result.headers["Last-Modified"]
    entry: dict = {"response": response}
    if result.status >= 400:
        response["outcome"] = result.body
        return entry
    body = result.body
    if body.get("resourceType") != "Bundle" and body.get("id"):
        entry["fullUrl"] = f"{ctx.base_url}/{body['resourceType']}/{body['id']}"
    entry["resource"] = body
    return entry


def process_bundle(ctx: Ctx, body) -> Result:
    data = parse(body, "Bundle")
    kind = data.get("type")
    if kind not in ("batch", "transaction"):
        raise invalid("POST a Bundle of type batch or transaction to the base URL.")
    entries = data.get("entry") or []
    if len(entries) > MAX_BUNDLE_ENTRIES:
        raise FhirError(413, f"At most {MAX_BUNDLE_ENTRIES} entries per Bundle.", code="too-costly")
    requests = [_entry_request(e, i) for i, e in enumerate(entries)]
    methods = [m for m, _ in requests]
    responses: list[dict | None] = [None] * len(entries)
    if kind == "transaction":
        resolver = Resolver(ctx.user, base_url=ctx.base_url, bundle={})
        with transaction.atomic():
            for i in _order(entries, methods):
                method, url = requests[i]
                try:
                    result = run_entry(
                        ctx,
                        method,
                        url,
                        entries[i].get("resource"),
                        resolver,
                        (entries[i].get("request") or {}).get("ifMatch", ""),
                    )
                except ApplicationError as exc:
                    raise _in_entry(FhirError.from_application(exc), i) from exc
                except FhirError as exc:
                    raise _in_entry(exc, i) from exc
                full_url = entries[i].get("fullUrl") or ""
                if method == "POST" and full_url.startswith("urn:uuid:"):
                    resolver.bundle[full_url] = result.obj
                responses[i] = _response_entry(ctx, result)
    else:
        resolver = Resolver(ctx.user, base_url=ctx.base_url)
        for i, (method, url) in enumerate(requests):
            try:
                with transaction.atomic():
                    result = run_entry(
                        ctx,
                        method,
                        url,
                        entries[i].get("resource"),
                        resolver,
                        (entries[i].get("request") or {}).get("ifMatch", ""),
                    )
            except ApplicationError as exc:
                err = FhirError.from_application(exc)
                result = Result(err.status, err.outcome())
            except FhirError as exc:
                result = Result(exc.status, exc.outcome())
            responses[i] = _response_entry(ctx, result)
    bundle = {
        "resourceType": "Bundle",
        "type": f"{kind}-response",
        "entry": responses,
    }
    return Result(200, _valid_bundle(bundle))


def _in_entry(exc: FhirError, i: int) -> FhirError:
    return FhirError(
        exc.status,
        f"Entry {i} failed, nothing was saved: {exc.message}",
        code=exc.code,
        expression=exc.expression,
    )


def decode(raw: bytes):
    try:
        return jsonbody.loads(raw or b"null")
    except jsonbody.BadJson as exc:
        raise invalid(str(exc)) from exc

"""The layering rules of docs/architecture.md, read from the code: every import in medassist/
(top-level, inside functions, under TYPE_CHECKING alike) points down the app order; no module
imports another app's private (`_name`) names; only booking writes a visit's rows.

The order, lowest first. An app may import itself and any app before it, never one after it.
The project's own modules (settings, urls, api, cli, wsgi) sit on top of every app."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "medassist"

ORDER = [
    "core",
    "audit",
    "practice",
    "patients",
    "coding",
    "scheduling",
    "availability",
    "booking",
    "reminders",
    "waitlist",
    "portal",
    "frontdesk",
    "intake",
    "records",
    "orders",
    "pharmacy",
    "ecg",
    "billing",
    "assistant",
    "fhir",
    "worker",
    "demo",
    "backup",
]
TOP = "(project)"
RANK = {app: n for n, app in enumerate(ORDER)} | {TOP: len(ORDER)}

# What only the booking app may call: the rows under the one booking service.
BOOKING_ONLY = {"appointment_insert", "appointment_move"}


def _app_of(module: str) -> str:
    """medassist.<app>.… → app; medassist.<file> (settings, urls, api, …) → the project."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "medassist":
        return ""
    return parts[1] if parts[1] in RANK else TOP


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path):
    """(imported module, [names], line) for every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative import: resolve against this package
                base = here.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            yield module, [a.name for a in node.names], node.lineno


def _source_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def test_every_import_points_down_the_app_order():
    # given every module of the package
    upward = []
    for path in _source_files():
        here = _app_of(_module_name(path))
        for module, _names, line in _imports(path):
            there = _app_of(module)
            # when a module imports another app
            if not there or there == here:
                continue
            # then that app is lower in the order
            if RANK[there] > RANK[here]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} {here} -> {there}")
    assert upward == [], "imports that point up the app order:\n" + "\n".join(upward)


def test_no_module_imports_another_apps_private_names():
    crossing = []
    for path in _source_files():
        here = _app_of(_module_name(path))
        for module, names, line in _imports(path):
            there = _app_of(module)
            if not there or there == here:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                crossing.append(f"{path.relative_to(PACKAGE.parent)}:{line} {module} {private}")
    assert crossing == []


def test_only_booking_writes_the_rows_of_a_visit():
    # given the low-level writers under the one booking service
    callers = []
    for path in _source_files():
        here = _app_of(_module_name(path))
        if here in ("scheduling", "booking"):
            continue
        # when any other app names them
        text = path.read_text(encoding="utf-8")
        callers += [f"{path.relative_to(PACKAGE.parent)} {n}" for n in BOOKING_ONLY if n in text]
    # then nobody does: every path books and moves through booking.services
    assert callers == []


def test_the_order_names_every_app():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}
    assert apps <= set(ORDER), f"add to ORDER (and docs/architecture.md): {apps - set(ORDER)}"

"""A clinic at full load: simulated staff doing a day's mix against `medassist serve`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/clinic_load.py                 # PostgreSQL (the target)
    .venv/bin/python bench/clinic_load.py --staff 10         # SQLite file, fewer staff

Creates a dedicated database (a SQLite file in a temporary folder, or a uniquely named
PostgreSQL database next to DATABASE_URL's, dropped at the end), migrates it, loads ICD-10-CM
and the demo clinic (`medassist demo`), adds `--staff` logins (front desk, medical assistants
and physicians in turn), starts `medassist serve --no-worker` and lets every simulated person
sign in and work for `--seconds`, with a think time between clicks: patient search (POST),
the schedule day, a provider's week, the flow board, check-in (page, then the POST for a
booked visit of today), rooming, the chart, Find a slot, and booking through the Book form.
Loopback only; bounded by `--seconds`. Prints p50/p95/max per page and the error count
(5xx, refused connections, or an unexpected status)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from scratch import percentile  # noqa: E402

from tests.concurrency import server  # noqa: E402

PASSWORD = "medassist-demo"  # noqa: S105 - the demo clinic's published password
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SEED = r"""
import json, os, random, django
django.setup()
from django.contrib.auth.hashers import make_password
from medassist.practice.models import Clinic, Location, Provider, Role, User, VisitType
from medassist.patients.models import Patient
from medassist.scheduling.models import Appointment
from medassist.core.clock import clinic_today

staff = int(os.environ["LOAD_STAFF"])
clinic = Clinic.objects.get()
roles = [Role.FRONT_DESK, Role.MEDICAL_ASSISTANT, Role.PHYSICIAN]
password = make_password("medassist-demo")
people = []
for i in range(staff):
    role = roles[i % 3]
    name = f"load{i:03d}"
    User.objects.create(username=name, first_name="Load", last_name=f"Tester {i}",
                        clinic=clinic, role=role, password=password)
    people.append({"username": name, "role": role})
today = clinic_today(clinic)
visits = Appointment.objects.filter(provider__clinic=clinic, start__date__gte=today)
booked = [str(a.public_id) for a in visits.filter(status="booked").order_by("start")[:400]]
arrived = [str(a.public_id) for a in visits.filter(status__in=["arrived", "roomed"])[:100]]
patients = list(Patient.objects.filter(clinic=clinic).values_list("public_id", "last_name")[:300])
def ids(model):
    return [str(x) for x in model.objects.filter(clinic=clinic).values_list("public_id", flat=True)]
providers = ids(Provider)
print(json.dumps({
    "people": people,
    "booked": booked,
    "arrived": arrived,
    "patients": [[str(p), last] for p, last in patients],
    "providers": providers,
    "locations": ids(Location),
    "visit_types": ids(VisitType),
    "today": today.isoformat(),
}))
"""


def run(env: dict, *args: str, timeout: int = 900) -> str:
    out = subprocess.run(
        [str(server.VENV_BIN / "medassist"), *args],
        env=env, cwd=ROOT, check=True, timeout=timeout, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout


@contextmanager
def serve(env: dict):
    port = server.free_port()
    log = open(Path(env["MEDASSIST_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(server.VENV_BIN / "medassist"), "serve", "--port", str(port), "--no-worker"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=30):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"medassist serve did not start (see {log.name})") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def add(self, page: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[page].append(seconds)
            if not ok:
                self.errors[page] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{page}: {detail}")


class Person:
    """One member of staff: a session of their own, clicking through their role's work."""

    def __init__(self, base: str, who: dict, seeded: dict, rec: Recorder, rng: random.Random):
        self.base, self.who, self.seeded, self.rec, self.rng = base, who, seeded, rec, rng
        self.http = requests.Session()
        self.signed_in = False

    def hit(self, page: str, method: str, path: str, ok=(200,), **kw) -> requests.Response | None:
        t0 = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, timeout=60, allow_redirects=False, **kw
            )
        except requests.RequestException as exc:
            self.rec.add(page, time.perf_counter() - t0, False, repr(exc))
            return None
        good = response.status_code in ok
        self.rec.add(page, time.perf_counter() - t0, good, f"{response.status_code} {path}")
        return response

    def csrf(self) -> dict:
        return {"X-CSRFToken": self.http.cookies.get("csrftoken", "")}

    def sign_in(self) -> bool:
        page = self.hit("sign-in page", "GET", "/login/")
        match = CSRF_INPUT.search(page.text) if page is not None else None
        if match is None:
            return False
        response = self.hit(
            "sign in",
            "POST",
            "/login/",
            ok=(302,),
            data={
                "username": self.who["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1),
            },
            headers={"Referer": self.base + "/login/"},
        )
        return response is not None and response.status_code == 302

    def first_sign_in(self) -> None:
        self.signed_in = self.sign_in()

    def search(self) -> None:
        _, last = self.rng.choice(self.seeded["patients"])
        self.hit("patient search", "POST", "/patients/", data={"q": last[:4]}, headers=self.csrf())

    def day(self) -> None:
        self.hit("schedule day", "GET", "/schedule/")

    def week(self) -> None:
        provider = self.rng.choice(self.seeded["providers"])
        self.hit(
            "calendar week",
            "GET",
            f"/schedule/calendar/?view=week&provider={provider}&date={self.seeded['today']}",
        )

    def board(self) -> None:
        self.hit("flow board", "GET", "/desk/board/")

    def chart(self) -> None:
        patient, _ = self.rng.choice(self.seeded["patients"])
        self.hit("chart", "GET", f"/records/patients/{patient}/")

    def find(self) -> None:
        vt = self.rng.choice(self.seeded["visit_types"])
        self.hit("find a slot", "GET", f"/availability/find/?visit_type={vt}")

    def check_in(self) -> None:
        with LOCK:
            visit = self.seeded["booked"].pop() if self.seeded["booked"] else None
        if visit is None:
            return self.board()
        page = self.hit("check-in page", "GET", f"/desk/visits/{visit}/check-in/", ok=(200, 302))
        if page is None or page.status_code != 200:
            return None
        self.hit(
            "check in (POST)",
            "POST",
            f"/desk/visits/{visit}/check-in/",
            ok=(200, 302),  # 200: the form again (e.g. a visit of a later day), 302: checked in
            data={"demographics_confirmed": "on", "coverage": "self_pay"},
            headers=self.csrf(),
        )
        return None

    def rooming(self) -> None:
        if not self.seeded["arrived"]:
            return self.board()
        visit = self.rng.choice(self.seeded["arrived"])
        self.hit("rooming page", "GET", f"/intake/visits/{visit}/room/", ok=(200, 302))
        return None

    def worklist(self) -> None:
        self.hit("worklist", "GET", "/intake/worklist/")

    def book(self) -> None:
        patient, _ = self.rng.choice(self.seeded["patients"])
        start = self.rng.choice(range(8 * 4, 17 * 4))
        day = (int(self.seeded["today"][-2:]) % 20) + self.rng.randrange(1, 8)
        self.hit(
            "book (POST)",
            "POST",
            "/schedule/book/",
            # 422: refused with the reason on the form (closed, rule); 409: another person took
            # that time a moment earlier (the no-double-booking guarantee, not a failure)
            ok=(200, 302, 409, 422),
            data={
                "patient": patient,
                "provider": self.rng.choice(self.seeded["providers"]),
                "visit_type": self.rng.choice(self.seeded["visit_types"]),
                "location": self.rng.choice(self.seeded["locations"]),
                "date": _plus_days(self.seeded["today"], day % 14 + 1),
                "time": f"{start // 4:02d}:{start % 4 * 15:02d}",
            },
            headers=self.csrf(),
        )

    def work(self, until: float, think: float) -> None:
        if not self.signed_in:
            return
        mix = {
            "front_desk": [self.search, self.day, self.board, self.check_in, self.book, self.find],
            "medical_assistant": [self.board, self.rooming, self.chart, self.search, self.day],
            "physician": [self.chart, self.week, self.worklist, self.search, self.day],
        }[self.who["role"]]
        while time.monotonic() < until:
            self.rng.choice(mix)()
            time.sleep(self.rng.uniform(0.5, 1.5) * think)


LOCK = threading.Lock()


def _plus_days(iso: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=50, help="simulated members of staff")
    parser.add_argument("--seconds", type=int, default=120, help="how long they work")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        server.dedicated_database(Path(tmp)) as (env, vendor),
    ):
        env.pop("MEDASSIST_TESTING", None)  # a real server: its throttles and caches as shipped
        env["MEDASSIST_QUIET_HOURS"] = ""
        env["LOAD_STAFF"] = str(args.staff)
        server.migrate(env)
        run(env, "load_icd10cm")
        run(env, "demo")
        seeded = json.loads(
            subprocess.run(
                [sys.executable, "-c", SEED], env=env, cwd=ROOT, check=True,
                capture_output=True, text=True, timeout=300,
            ).stdout
        )  # fmt: skip
        rec = Recorder()
        with serve(env) as base:
            until = time.monotonic() + args.seconds
            people = [
                Person(base, who, seeded, rec, random.Random(i))
                for i, who in enumerate(seeded["people"])
            ]
            # Everyone signs in first (in a few waves, as a morning does), then the day starts.
            for wave in range(0, len(people), 10):
                signing = [threading.Thread(target=p.first_sign_in) for p in people[wave:wave + 10]]
                for t in signing:
                    t.start()
                for t in signing:
                    t.join()
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=p.work, args=(until, args.think)) for p in people
            ]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - t0
        served = (Path(env["MEDASSIST_DATA_DIR"]) / "serve.log").read_text(errors="replace")
        failures = [m.start() for m in re.finditer("Traceback", served)]
        total = sum(len(v) for v in rec.times.values())
        errors = sum(rec.errors.values())
        print(
            f"# {vendor}; {platform.machine()} {os.cpu_count()} cores; medassist serve "
            f"(default workers); {args.staff} staff for {args.seconds} s, think time "
            f"{args.think} s; {total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s); "
            f"errors {errors}"
        )
        print("| page | requests | p50 ms | p95 ms | max ms | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        for page, values in sorted(rec.times.items()):
            print(
                f"| {page} | {len(values)} | {percentile(values, 50) * 1000:.0f} | "
                f"{percentile(values, 95) * 1000:.0f} | {max(values) * 1000:.0f} | "
                f"{rec.errors.get(page, 0)} |"
            )
        everything = [v for values in rec.times.values() for v in values]
        print(
            f"| **all** | {total} | {percentile(everything, 50) * 1000:.0f} | "
            f"{percentile(everything, 95) * 1000:.0f} | {max(everything) * 1000:.0f} | {errors} |"
        )
        for sample in rec.samples:
            print(f"- error: {sample}")
        if failures:
            print(f"\n{len(failures)} tracebacks in the server's log; the first:")
            print(served[failures[0] : failures[0] + 4000])


if __name__ == "__main__":
    main()

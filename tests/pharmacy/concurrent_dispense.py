"""Seed a fresh database and fire N dispenses at once against one lot, in its own process
(one thread per dispense, each with its own database connection).

    python -m tests.pharmacy.concurrent_dispense --attempts 50 --stock 10

Prints JSON: how many succeeded, the refusal codes, the lot's count, the ledger's sum."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections import Counter
from datetime import timedelta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=50)
    parser.add_argument("--stock", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Sum

    from medassist.core.clock import clinic_today
    from medassist.core.errors import ApplicationError
    from medassist.pharmacy import services
    from medassist.pharmacy.models import Dispense, StockLot
    from tests import factories

    with transaction.atomic():
        clinic = factories.make_clinic(name="Contention Clinic", tz="America/Los_Angeles")
        desk = factories.make_user(clinic, "front_desk")
        doctor = factories.make_user(clinic, "physician")
        factories.make_provider(clinic, user=doctor)
        ma = factories.make_user(clinic, "medical_assistant")
        factories.make_training(ma)
        patient = factories.make_patient(desk)
        item = services.stock_item_create(
            actor=doctor,
            name="Lisinopril 10 mg",
            ndc="68180-0513-01",
            rxnorm="314076",
            unit="tablet",
            route="oral",
        )
        lot = services.stock_receive(
            actor=doctor,
            item=item,
            lot_number="L1",
            quantity=args.stock,
            expires_on=clinic_today(clinic) + timedelta(days=100),
        )
        orders = [
            services.medication_order_create(
                actor=doctor,
                patient=patient,
                kind="dispense",
                drug_name="lisinopril",
                rxnorm="314076",
                dose_amount="10",
                dose_unit="mg",
                route="oral",
                quantity=1,
            )
            for _ in range(args.attempts)
        ]
    connection.close()
    barrier = threading.Barrier(args.attempts)
    outcomes: list[str] = []
    lock = threading.Lock()

    def dispense(order) -> None:
        try:
            barrier.wait()
            try:
                services.medication_dispense(
                    actor=ma, order=order, patient=patient, scan="68180-0513-01", lot_number="L1"
                )
                outcome = "ok"
            except ApplicationError as exc:
                outcome = str(exc.code)
            except Exception as exc:  # noqa: BLE001 - reported, and the test fails on it
                outcome = f"error: {type(exc).__name__}: {exc}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispense, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lot = StockLot.objects.get(pk=lot.pk)
    json.dump(
        {
            "vendor": connection.vendor,
            "outcomes": dict(Counter(outcomes)),
            "on_hand": lot.on_hand,
            "ledger_sum": lot.movements.aggregate(s=Sum("quantity"))["s"],
            "dispensed": Dispense.objects.filter(lot=lot).aggregate(s=Sum("quantity"))["s"],
            "dispense_movements": lot.movements.filter(kind="dispense").count(),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()

"""50 dispenses at once against a stock of 10, each thread with its own database connection,
on a dedicated database of the kind DATABASE_URL selects (a SQLite file, or PostgreSQL):
exactly 10 succeed, the others are refused `insufficient_stock`, the lot ends at 0 and the
ledger sums to it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.concurrency import server

ATTEMPTS, STOCK = 50, 10


def test_fifty_concurrent_dispenses_of_a_stock_of_ten(tmp_path):
    with server.dedicated_database(tmp_path) as (env, vendor):
        # given a migrated database
        server.migrate(env)
        # when 50 threads dispense one unit each at the same moment
        out = subprocess.run(
            [sys.executable, "-m", "tests.pharmacy.concurrent_dispense",
             "--attempts", str(ATTEMPTS), "--stock", str(STOCK)],
            env=env, cwd=server.ROOT, check=True, timeout=600, capture_output=True, text=True,
        )  # fmt: skip
        result = json.loads(out.stdout)
    # then
    assert result["vendor"] == vendor
    assert result["outcomes"] == {"ok": STOCK, "insufficient_stock": ATTEMPTS - STOCK}, result
    assert result["on_hand"] == 0
    assert result["ledger_sum"] == 0  # +10 received, ten -1 dispensed
    assert result["dispensed"] == STOCK == result["dispense_movements"]

"""For transactional tests (threads, live_server) that commit ledger rows: the ledger refuses
TRUNCATE of non-empty tables (ADR 1301), so they are emptied through the maintenance door before the
flush that ends the test."""

import pytest
from django.db import connection, transaction


def empty_ledger() -> None:
    from economy.services import ledger

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL economy.ledger_maintenance = 'on'")
        cursor.execute("DELETE FROM economy_ledgerentry")
        cursor.execute("DELETE FROM economy_ledgertransaction")
    ledger.clear_system_account_cache()


@pytest.fixture
def ledger_tables(transactional_db):
    from economy.services import ledger

    ledger.clear_system_account_cache()
    yield
    empty_ledger()

"""Numbers are unique and without gaps under concurrency: threads on the real database, each in its
own transaction and connection, as gunicorn workers would be."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from government.documents import services
from government.documents.models import Document, NumberCounter
from tests.documents.conftest import signed_outgoing

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = pytest.mark.usefixtures("calm_clock")


def _run_threads(n: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def target(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return errors


@pytest.mark.django_db(transaction=True)
def test_counter_is_gap_free_when_some_issuing_transactions_roll_back(dept):
    taken: list[int] = []
    lock = threading.Lock()

    class AbandonedError(Exception):
        pass

    def work(i):
        for j in range(10):
            try:
                with transaction.atomic():
                    number = services.next_number(agency=dept, year=2026, book="QĐ")
                    if (i + j) % 3 == 0:
                        raise AbandonedError  # the signing failed: this number must be given back
                    with lock:
                        taken.append(number)
            except AbandonedError:
                pass

    assert _run_threads(6, work) == []
    assert sorted(taken) == list(range(1, len(taken) + 1))  # unique and without a gap
    assert NumberCounter.objects.get(agency=dept, year=2026, book="QĐ").last_number == len(taken)


@pytest.mark.django_db(transaction=True)
def test_documents_issued_at_once_get_consecutive_numbers(department_official, leader, clerk):
    docs = [signed_outgoing(department_official, leader, abstract=f"Quyết định {i}") for i in range(6)]

    def work(i):
        services.outgoing_issue(document=docs[i], actor=clerk)

    assert _run_threads(6, work) == []
    issued = Document.objects.filter(pk__in=[d.pk for d in docs]).order_by("number")
    assert [d.number for d in issued] == [1, 2, 3, 4, 5, 6]
    assert {d.number_symbol for d in issued} == {f"0{n}/QĐ-SKHCN" for n in range(1, 7)}
    assert all(d.book_year == timezone.localdate().year for d in issued)


@pytest.mark.django_db(transaction=True)
def test_each_type_and_the_incoming_book_count_on_their_own(dept, clerk):
    with transaction.atomic():
        assert services.next_number(agency=dept, year=2026, book="QĐ") == 1
        assert services.next_number(agency=dept, year=2026, book="CV") == 1
        assert services.next_number(agency=dept, year=2026, book="QĐ") == 2
        assert services.next_number(agency=dept, year=2027, book="QĐ") == 1  # a new year starts at 01

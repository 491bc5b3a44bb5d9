import pytest

from border_gate import demo
from border_gate.models import Entry, GoodsLine

pytestmark = pytest.mark.django_db


def test_small_demo_is_idempotent_and_fills_the_day():
    from core.users.demo import ensure_demo_accounts

    ensure_demo_accounts(log=lambda *a: None)
    demo.generate(scale="small", log=lambda *a: None)
    count = Entry.objects.count()
    assert count == 34
    statuses = set(Entry.objects.values_list("status", flat=True))
    assert {"crossed", "in_progress", "declared"} <= statuses
    assert Entry.objects.filter(version=2).count() == 1
    demo.generate(scale="small", log=lambda *a: None)
    assert Entry.objects.count() == count


def test_history_is_streamed_per_day_and_resumable():
    demo._history(lambda *a: None, days=2)
    n = Entry.objects.filter(code__contains="-H").count()
    assert 2 * 1759 * 0.8 < n < 2 * 1759 * 1.6
    assert GoodsLine.objects.filter(entry__code__contains="-H").count() == n
    demo._history(lambda *a: None, days=2)
    assert Entry.objects.filter(code__contains="-H").count() == n
    assert not Entry.objects.filter(code__contains="-H", closed_at__isnull=True).exists()

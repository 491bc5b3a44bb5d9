"""Full-text search over numbers, abstracts and metadata, with or without diacritics, scoped to what
the person may read."""

import pytest
from django.urls import reverse

from government.documents import selectors
from tests.documents.conftest import registered

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


@pytest.fixture
def books(clerk):
    return {
        "border": registered(
            clerk,
            number_symbol="125/UBND-KT",
            abstract="Về việc triển khai nền tảng số tại các xã biên giới",
            issuing_body="Ủy ban nhân dân tỉnh Lạng Sơn",
        ),
        "health": registered(
            clerk,
            doc_type="QĐ",
            number_symbol="1234/QĐ-SYT",
            abstract="Quyết định phê duyệt kế hoạch tiêm chủng mở rộng",
            issuing_body="Sở Y tế",
        ),
        "roads": registered(
            clerk,
            number_symbol="88/SXD-QLCL",
            abstract="Đường giao thông nông thôn huyện Đình Lập",
            issuing_body="Sở Xây dựng",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("biên giới", {"border"}),
        ("bien gioi", {"border"}),  # without diacritics
        ("BIÊN GIỚI", {"border"}),
        ("tiêm chủng", {"health"}),
        ("tiem", {"health"}),  # a prefix
        ("1234/QĐ-SYT", {"health"}),  # the number as printed
        ("1234/QD-SYT", {"health"}),
        ("qđ syt", {"health"}),
        ("đình lập", {"roads"}),
        ("dinh lap", {"roads"}),  # đ → d
        ("sở xây dựng", {"roads"}),  # issuing body
        ("so y te", {"health"}),
        ("kế hoạch biên giới", set()),  # every word must match
        ("'&|!():*", {"border", "health", "roads"}),  # no words: everything, never a syntax error
    ],
)
def test_search(books, leader, query, expected):
    found = {name for name, d in books.items() if d in set(selectors.search(leader, q=query))}
    assert found == expected


def test_another_agency_finds_nothing(books, commune_leader):
    assert not selectors.search(commune_leader, q="biên giới").exists()


def test_search_page(books, leader, login, commune_leader, client):
    from django.test import Client

    page = login(leader).get(reverse("documents:search"), {"q": "bien gioi"})
    body = page.content.decode()
    assert page.status_code == 200 and "125/UBND-KT" in body and "1234/QĐ-SYT" not in body
    other = login(commune_leader, Client()).get(reverse("documents:search"), {"q": "bien gioi"})
    assert "125/UBND-KT" not in other.content.decode()
    bad = login(leader).get(reverse("documents:search"), {"year": "abc", "q": "x" * 500})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


@pytest.mark.parametrize("window", [1, 2, 3, 50])
@pytest.mark.parametrize("query", ["", "biên giới", "ve viec", "so", "x y z", "1234/QĐ-SYT"])
def test_a_page_from_the_newest_window_is_the_page_of_the_whole_search(clerk, leader, window, query):
    """The first step of search_page (the newest documents only) gives exactly the ORM search's page."""
    from tests.documents.conftest import registered

    for i in range(7):
        registered(clerk, number_symbol=f"{i}/UBND-VP", abstract=f"Về việc số {i} tại các xã biên giới")
        registered(clerk, number_symbol=f"{i}/SYT", abstract=f"Về việc tiêm chủng số {i}")
    for size in (1, 2, 3, 5):
        items, has_next = selectors.search_page(leader, q=query, size=size, window=window)
        whole = list(selectors.search(leader, q=query)[: size + 1])
        assert items == whole[:size] and has_next == (len(whole) > size)


@pytest.mark.parametrize("shift_days", [-3650, 0, 3650])
def test_any_cached_window_bound_gives_the_same_page(clerk, leader, shift_days):
    """The window bound is cached for minutes: a stale one (documents arrived since, or an instant far
    in the past or future) must still give exactly the ORM search's page."""
    import datetime as dt

    from django.core.cache import cache
    from django.utils import timezone

    for i in range(6):
        registered(clerk, number_symbol=f"{i}/UBND-VP", abstract=f"Về việc số {i} tại các xã biên giới")
    cache.set(f"documents:window:{leader.pk}:3", timezone.now() + dt.timedelta(days=shift_days), 60)
    for size in (1, 2, 5):
        items, has_next = selectors.search_page(leader, q="biên giới", size=size, window=3)
        whole = list(selectors.search(leader, q="biên giới")[: size + 1])
        assert items == whole[:size] and has_next == (len(whole) > size)


def test_a_number_as_printed_matches_word_for_word():
    assert selectors.tsquery_text("125/QĐ-UBND") == "125 & qđ & ubnd"
    assert selectors.tsquery_text("lạng so") == "lạng & so"
    assert selectors.tsquery_text("tiêm chủng") == "tiêm & chủng:*"

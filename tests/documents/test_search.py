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
        assert [r["id"] for r in items] == [d.pk for d in whole[:size]] and has_next == (len(whole) > size)


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
        assert [r["id"] for r in items] == [d.pk for d in whole[:size]] and has_next == (len(whole) > size)


def test_a_number_as_printed_matches_word_for_word():
    assert selectors.tsquery_text("125/QĐ-UBND") == "125 & qđ & ubnd"
    assert selectors.tsquery_text("lạng so") == "lạng & so"
    assert selectors.tsquery_text("tiêm chủng") == "tiêm & chủng:*"


def test_the_result_rows_show_the_book(clerk, leader, login, department_official):
    """What a row shows, on the search page and the documents' home: the number (or that there is none
    yet) linking to the document, the arrival number, abstract, type, issuing body (the agency for its
    own drafts), book, status, deadline and the overdue mark."""
    import datetime as dt

    from django.utils import timezone

    from government.documents import services
    from government.documents.models import Document
    from tests.documents.conftest import pdf_upload

    late = registered(clerk, deadline=timezone.localdate(), abstract="Về việc báo cáo tiêm chủng quá hạn")
    Document.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    late.refresh_from_db()
    draft = services.outgoing_create(
        actor=clerk, doc_type="CV", abstract="Dự thảo công văn về tiêm chủng", main_file=pdf_upload()
    )
    client = login(clerk)
    for url in (reverse("documents:search") + "?q=tiem+chung", reverse("documents:index")):
        body = client.get(url).content.decode()
        row = body.split(f'<a href="{reverse("documents:detail", args=[late.uid])}">')[1].split("</tr>")[0]
        assert row.startswith("125/UBND-KT</a>") and f"Số đến {late.arrival_number}" in row
        assert "Về việc báo cáo tiêm chủng quá hạn" in row and "Công văn · Ủy ban nhân dân tỉnh Lạng Sơn" in row
        assert f"{late.deadline:%d/%m/%Y}" in row and '<strong class="badge late">Quá hạn</strong>' in row
        own = body.split(f'<a href="{reverse("documents:detail", args=[draft.uid])}">')[1].split("</tr>")[0]
        assert own.startswith("(chưa có số)</a>") and f"Công văn · {clerk.agency.name}" in own
        assert "Văn bản đi" in own and "Quá hạn" not in own
    # An official of the agency who is not its clerk sees the registered document, not the clerk's draft.
    body = login(department_official).get(reverse("documents:search"), {"q": "tiem chung"}).content.decode()
    assert str(late.uid) in body and str(draft.uid) not in body


@pytest.mark.parametrize(
    "filters",
    [
        {"direction": "in"},
        {"direction": "out"},
        {"doc_type": "QĐ"},
        {"status": "registered", "direction": "in"},
        {"overdue": True},
        {"year": 2026},
    ],
)
@pytest.mark.parametrize("window", [1, 4, 50])
def test_a_filtered_page_from_the_window_is_the_page_of_the_whole_search(
    clerk, leader, department_official, window, filters
):
    """With filters, and for an official who reads only part of the book (not its drafts, not its
    confidential documents), search_page gives the ORM search's page."""
    import datetime as dt

    from django.utils import timezone

    from government.documents import services
    from government.documents.models import Document
    from tests.documents.conftest import pdf_upload

    for i in range(4):
        registered(clerk, number_symbol=f"{i}/UBND-VP", abstract=f"Về việc số {i} tại các xã biên giới")
        registered(
            clerk, doc_type="QĐ", number_symbol=f"{i}/QĐ-SYT", abstract=f"Quyết định số {i} về xã biên giới",
            confidentiality="confidential" if i % 2 else "normal", deadline=timezone.localdate(),
        )  # fmt: skip
        services.outgoing_create(
            actor=clerk, doc_type="QĐ", abstract=f"Dự thảo {i} về xã biên giới", main_file=pdf_upload()
        )
    Document.objects.filter(doc_type="QĐ", direction="in").update(deadline=timezone.localdate() - dt.timedelta(days=1))
    for person in (leader, department_official):
        for query in ("biên giới", "xa bien", ""):
            for size in (1, 2, 3):
                items, has_next = selectors.search_page(person, q=query, size=size, window=window, **filters)
                whole = list(selectors.search(person, q=query, **filters)[: size + 1])
                assert [r["id"] for r in items] == [d.pk for d in whole[:size]], (person.email, query, size)
                assert has_next == (len(whole) > size)


def test_the_filters_stay_chosen_in_either_language(books, leader, login):
    """After a search the lists show what was chosen (and nothing when the address holds something that
    is not a choice), with their labels in the person's language."""
    import re

    client = login(leader)
    search = reverse("documents:search")
    body = client.get(search, {"direction": "in", "doc_type": "QĐ", "status": "registered"}).content.decode()
    assert re.findall(r'<option value="([^"]*)" selected>', body) == ["in", "QĐ", "registered"]
    assert '<option value="in" selected>Văn bản đến</option>' in body and "1234/QĐ-SYT" in body
    assert '<option value="out">Văn bản đi</option>' in body and "125/UBND-KT" not in body
    odd = client.get(search, {"direction": "sideways", "doc_type": "<b>"})
    assert odd.status_code == 200 and " selected>" not in odd.content.decode() and "<b>" not in odd.content.decode()
    client.post(reverse("users:switch-language"), {"language": "en", "next": "/"})
    body = client.get(search, {"direction": "in"}).content.decode()
    assert '<option value="in" selected>Incoming documents</option>' in body
    assert "Văn bản đến</option>" not in body

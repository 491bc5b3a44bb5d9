"""Reads of documents and tasks, with who-may-see-what already applied (permissions.may_read in SQL)."""

import datetime as dt
import re

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from government.documents.models import INCOMING_OPEN, Direction, Document, Status, Task
from government.documents.permissions import STAFF_VISIBLE_STATUSES, is_clerk, is_leader, works_at

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
PAGE_SIZE = 20


def visible_documents(user) -> QuerySet:
    """The documents `user` may read (permissions.may_read, as a query): their agency's ordinary
    registered or issued documents, all of them for its clerk and leaders, and anything addressed
    to them (handler, drafter, reviewer, signer, or a task from it)."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    addressed = (
        Q(handler=user)
        | Q(drafter=user)
        | Q(reviewer=user)
        | Q(signer=user)
        | Q(Exists(Task.objects.filter(document=OuterRef("pk"), assignee=user)))
    )
    agency_id = user.agency_id
    if agency_id and works_at(user, agency_id):
        if is_clerk(user, agency_id) or is_leader(user, agency_id):
            mine = Q(agency_id=agency_id)
        else:
            mine = Q(agency_id=agency_id, confidentiality="normal", status__in=STAFF_VISIBLE_STATUSES)
        return Document.objects.filter(mine | addressed)
    return Document.objects.filter(addressed)


def document_for(user, uid) -> Document | None:
    return (
        visible_documents(user)
        .select_related("agency", "handler", "direction_by", "drafter", "reviewer", "signer", "sender_agency")
        .filter(uid=uid)
        .first()
    )


def tsquery_text(q: str) -> str:
    """The words of a query as a tsquery, every word required ("125 & qđ & ubnd"); the last word also
    matches as a prefix when it has 3 characters or more (typing "tiêm chủ" finds "tiêm chủng"), the
    others exactly: a short prefix ("so:*" also matches "sơn", in every "Lạng Sơn") would make the index
    read most of the table. PostgreSQL removes the diacritics (unaccent) on both sides. Only word
    characters reach to_tsquery, so no query text can be a tsquery syntax error."""
    words = WORD.findall((q or "").lower())[:MAX_TERMS]
    terms = [*words[:-1], f"{words[-1]}:*" if len(words[-1]) >= 3 else words[-1]] if words else []
    return " & ".join(terms)


def search(
    user,
    *,
    q: str = "",
    direction: str = "",
    doc_type: str = "",
    status: str = "",
    year: int | None = None,
    overdue: bool = False,
) -> QuerySet:
    """Documents `user` may read matching the query over number/symbol, abstract, issuing body and
    handling unit, with or without diacritics (the trigger-kept tsvector, GIN index), newest first."""
    rows = visible_documents(user)
    raw = tsquery_text(q)
    if raw:
        rows = rows.filter(
            RawSQL(
                "documents_document.search_vector @@ to_tsquery('simple', unaccent(%s))",
                [raw],
                output_field=BooleanField(),
            )
        )
    if direction in Direction.values:
        rows = rows.filter(direction=direction)
    if doc_type:
        rows = rows.filter(doc_type=doc_type)
    if status in Status.values:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(book_year=year)
    if overdue:
        rows = rows.filter(status__in=INCOMING_OPEN, deadline__lt=timezone.localdate())
    return rows.select_related("agency", "handler").order_by("-created_at", "-id")


# How far back the first page of a text search looks before searching the whole book (see search_page).
RECENT_WINDOW = 1000


def search_page(
    user, *, page: int = 1, size: int = PAGE_SIZE, window: int = RECENT_WINDOW, **filters
) -> tuple[list[Document], bool]:
    """One page of `search` (newest first) and whether there is a next one, without a COUNT.

    Why two steps for the first page of a text search: PostgreSQL estimates the matches of several
    words as if they were independent ("chuyển đổi số" is estimated at 80 rows of 100,000 and has
    5,000), so for a common phrase it reads every match through the GIN index and sorts them
    (35–120 ms measured) where walking the newest documents would stop after a few hundred. The
    first step matches the words against only the newest `window` documents the person may read (the
    ORM's own query with its filters, newest first, LIMIT — wrapped as a derived table so PostgreSQL
    cannot flatten it into the GIN plan); when they hold a full page it is the answer, since every
    document outside the window is older. Otherwise the words are rare and the whole book is searched
    through the GIN index, which is then cheap (ADR 1601; tests/documents/test_search.py compares
    both steps with `search`)."""
    from django.db import connection

    rows = search(user, **filters)
    want = size + 1
    raw = tsquery_text(filters.get("q", ""))
    if raw and page == 1:
        unfiltered = {**filters, "q": ""}
        inner = search(user, **unfiltered).order_by("-created_at", "-id").values("id", "created_at", "search_vector")
        inner_sql, inner_params = inner[:window].query.sql_with_params()
        # The ORM's own compiled query inside, its parameters bound like ours.
        sql = (
            f"SELECT w.id FROM ({inner_sql}) w "  # noqa: S608  # nosec B608: inner_sql is compiled by the ORM, values are parameters
            "WHERE w.search_vector @@ to_tsquery('simple', unaccent(%s)) "
            "ORDER BY w.created_at DESC, w.id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*inner_params, raw, want])
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) == want:
            found = {d.pk: d for d in Document.objects.filter(pk__in=ids).select_related("agency", "handler")}
            return [found[pk] for pk in ids[:size]], True
    start = (page - 1) * size
    items = list(rows[start : start + want])
    return items[:size], len(items) > size


def inbox_counts(user) -> dict:
    """What waits for this person: to register (clerk), to assign (leader), to handle, to review,
    to sign, to issue, and their open tasks."""
    docs = visible_documents(user)
    agency_id = user.agency_id
    counts = {
        "to_handle": docs.filter(handler=user, status__in=(Status.ASSIGNED, Status.IN_PROGRESS)).count(),
        "to_review": docs.filter(reviewer=user, status=Status.IN_REVIEW).count(),
        "to_sign": docs.filter(signer=user, status=Status.AWAITING_SIGNATURE).count(),
        "tasks": Task.objects.filter(assignee=user, status__in=(Task.Status.OPEN, Task.Status.IN_PROGRESS)).count(),
    }
    if is_clerk(user, agency_id):
        counts["to_register"] = docs.filter(agency_id=agency_id, status=Status.RECEIVED).count()
        counts["to_issue"] = docs.filter(agency_id=agency_id, status=Status.SIGNED).count()
    if is_leader(user, agency_id):
        counts["to_assign"] = docs.filter(agency_id=agency_id, status=Status.REGISTERED).count()
        counts["overdue"] = docs.filter(
            agency_id=agency_id, status__in=INCOMING_OPEN, deadline__lt=timezone.localdate()
        ).count()
    return counts


def colleagues(agency_id, *, leaders_only: bool = False) -> list:
    """Officials of the agency (for the handler, reviewer and signer choices)."""
    from django.contrib.auth import get_user_model

    from government.documents.permissions import DOCUMENT_ROLES, LEADER_ROLES

    names = LEADER_ROLES if leaders_only else DOCUMENT_ROLES
    return list(
        get_user_model()
        .objects.filter(agency_id=agency_id, is_active=True, groups__name__in=names)
        .distinct()
        .order_by("full_name", "email")
    )


def visible_tasks(user) -> QuerySet:
    """Tasks the person does, assigned, or leads the assigning agency of."""
    if not getattr(user, "is_authenticated", False):
        return Task.objects.none()
    q = Q(assignee=user) | Q(assigned_by=user)
    if user.agency_id and is_leader(user, user.agency_id):
        q |= Q(agency_id=user.agency_id)
    return Task.objects.filter(q).select_related("assignee", "assigned_by", "document", "agency")


def task_for(user, uid) -> Task | None:
    return visible_tasks(user).filter(uid=uid).first()


def unchecked_deliveries(*, older_than_seconds: int) -> list[int]:
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return list(
        Document.objects.filter(
            direction=Direction.INCOMING, source__isnull=False, signature_valid__isnull=True, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )

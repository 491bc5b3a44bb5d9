"""Reads of documents and tasks, with who-may-see-what already applied (permissions.may_read in SQL)."""

import datetime as dt
import re

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.indicators.registry import LOCAL, percent
from government.documents.models import INCOMING_OPEN, Direction, Document, Status, Task
from government.documents.permissions import STAFF_VISIBLE_STATUSES, is_clerk, is_leader, works_at

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
PAGE_SIZE = 20


def visible_documents(user) -> QuerySet:
    """The documents `user` may read (permissions.may_read, as a query): their agency's ordinary
    registered or issued documents, all of them for its clerk and leaders, and anything addressed
    to them (handler, drafter, reviewer, signer, or a task from it)."""
    readable = _readable(user)
    return Document.objects.none() if readable is None else Document.objects.filter(readable)


def _readable(user) -> Q | None:
    """visible_documents as a condition (None: nothing). The columns by their `_id` names: the same SQL
    as `handler=user`, without the ORM resolving a related lookup for each of them on every search."""
    if not getattr(user, "is_authenticated", False):
        return None
    pk = user.pk
    addressed = (
        Q(handler_id=pk)
        | Q(drafter_id=pk)
        | Q(reviewer_id=pk)
        | Q(signer_id=pk)
        | Q(Exists(Task.objects.filter(document=OuterRef("pk"), assignee_id=pk)))
    )
    agency_id = user.agency_id
    if agency_id and works_at(user, agency_id):
        if is_clerk(user, agency_id) or is_leader(user, agency_id):
            mine = Q(agency_id=agency_id)
        else:
            mine = Q(agency_id=agency_id, confidentiality="normal", status__in=STAFF_VISIBLE_STATUSES)
        return mine | addressed
    return addressed


def agency_readable(agency_id) -> QuerySet:
    """What every official of the agency reads — its registered incoming and issued outgoing documents
    of normal confidentiality (permissions.may_read) — and so what the agency's own machine client
    reads over the API (government.documents.api)."""
    if not agency_id:
        return Document.objects.none()
    return Document.objects.filter(agency_id=agency_id, confidentiality="normal", status__in=STAFF_VISIBLE_STATUSES)


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
    read most of the table. A number as printed ("125/QĐ-UBND", with its slash) is matched word for word:
    the clerk copied it whole, and a prefix of a word in every symbol ("ubnd:*") makes the GIN index
    build a bitmap of the whole table (7–8 ms) where the exact words skip through it (< 1 ms).
    PostgreSQL removes the diacritics (unaccent) on both sides. Only word characters reach
    to_tsquery, so no query text can be a tsquery syntax error."""
    text = (q or "").lower()
    words = WORD.findall(text)[:MAX_TERMS]
    if not words:
        return ""
    last = words[-1]
    if len(last) >= 3 and "/" not in text:
        last = f"{last}:*"
    return " & ".join([*words[:-1], last])


# The text match, as an index condition (GIN over the trigger-kept vector) and as a plain filter that
# no index answers (COALESCE makes it an expression the GIN index does not cover): see search_page.
MATCH_SQL = "documents_document.search_vector @@ to_tsquery('simple', unaccent(%s))"
# The filter's tsquery is a scalar subquery so that PostgreSQL works it out once per query (an InitPlan):
# written plainly, unaccent and to_tsquery ran again for every row the window step reads (5.5 → 2.9 ms
# for 500 rows, EXPLAIN ANALYZE in docs/benchmarks.md). The index condition keeps the plain form: the
# planner needs to see the tsquery to estimate the matches and to use the GIN index.
FILTER_SQL = "COALESCE(documents_document.search_vector, ''::tsvector) @@ (SELECT to_tsquery('simple', unaccent(%s)))"

# What a row of the book and of the search shows (documents/_rows.html): the page reads only these.
ROW_FIELDS = (
    "id",
    "uid",
    "agency__name",
    "direction",
    "status",
    "doc_type",
    "number_symbol",
    "arrival_number",
    "issuing_body",
    "abstract",
    "deadline",
    "created_at",
)


def search(
    user,
    *,
    base: QuerySet | None = None,
    q: str = "",
    direction: str = "",
    doc_type: str = "",
    status: str = "",
    year: int | None = None,
    overdue: bool = False,
    indexed: bool = True,
) -> QuerySet:
    """Documents `user` may read matching the query over number/symbol, abstract, issuing body and
    handling unit, with or without diacritics (the trigger-kept tsvector, GIN index), newest first.
    `indexed=False` matches the words row by row instead of through the index (search_page); `base`
    replaces what `user` may read (an agency's machine client: agency_readable)."""
    rows = _matching(
        user, base=base, q=q, direction=direction, doc_type=doc_type, status=status, year=year, overdue=overdue,
        indexed=indexed,
    )  # fmt: skip
    return rows.select_related("agency").only(*ROW_FIELDS).order_by("-created_at", "-id")


def _matching(user, *, base, q, direction, doc_type, status, year, overdue, indexed, since=None) -> QuerySet:
    """search's documents, unordered: every condition in one filter() (each filter() call copies the
    query the ORM has built so far)."""
    if base is None:
        readable = _readable(user)
        if readable is None:
            return Document.objects.none()
        conditions, rows = [readable], Document.objects
    else:
        conditions, rows = [], base
    raw = tsquery_text(q)
    if raw:
        # The SQL is one of two constants; the words are a bound parameter.
        conditions.append(RawSQL(MATCH_SQL if indexed else FILTER_SQL, [raw], output_field=BooleanField()))  # noqa: S611  # nosec B611: one of two constant SQL texts, the words a parameter
    if direction in Direction.values:
        conditions.append(Q(direction=direction))
    if doc_type:
        conditions.append(Q(doc_type=doc_type))
    if status in Status.values:
        conditions.append(Q(status=status))
    if year:
        conditions.append(Q(book_year=year))
    if overdue:
        conditions.append(Q(status__in=INCOMING_OPEN, deadline__lt=timezone.localdate()))
    if since is not None:
        conditions.append(Q(created_at__gte=since))
    return rows.filter(*conditions)


# How far back the first page of a text search looks before searching the whole book (see search_page).
RECENT_WINDOW = 1000


# How long a person's window bound is reused. Any bound gives the right page (see search_page): a
# stale one only widens the window by the documents that arrived since, so it may be kept a while.
WINDOW_BOUND_SECONDS = 300


def _window_bound(user, window: int):
    """The `created_at` of the `window`-th newest document `user` may read (None when they read
    fewer), kept in the cache: it saves a query per search."""
    from django.core.cache import cache

    key = f"documents:window:{user.pk}:{window}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    newest = visible_documents(user).order_by("-created_at", "-id").values_list("created_at", flat=True)
    bound = next(iter(newest[window - 1 : window]), None)
    cache.set(key, bound or "", WINDOW_BOUND_SECONDS)
    return bound


def _rows(user, *, indexed: bool = True, since=None, **filters) -> QuerySet:
    """search's rows as dictionaries of ROW_FIELDS (what a page shows: no model instances to build
    for 21 rows and their agencies), newest first; `since`: only documents created at or after it."""
    rows = _matching(
        user,
        base=None,
        q=filters.get("q", ""),
        direction=filters.get("direction", ""),
        doc_type=filters.get("doc_type", ""),
        status=filters.get("status", ""),
        year=filters.get("year"),
        overdue=filters.get("overdue", False),
        indexed=indexed,
        since=since,
    )
    return rows.values(*ROW_FIELDS).order_by("-created_at", "-id")


def search_page(
    user, *, page: int = 1, size: int = PAGE_SIZE, window: int = RECENT_WINDOW, **filters
) -> tuple[list[dict], bool]:
    """One page of `search` (newest first, each row a dictionary of ROW_FIELDS) and whether there is
    a next one, without a COUNT.

    Why two steps for the first page of a text search: PostgreSQL estimates the matches of several
    words as if they were independent ("chuyển đổi số" is estimated at 80 rows of 100,000 and has
    5,000), so for a common phrase it reads every match through the GIN index and sorts them
    (35–120 ms measured) where walking the newest documents would stop after a few hundred. The
    first step bounds the search to the newest `window` documents the person may read (their
    `created_at` from the newest-first index) and matches the words row by row (a filter the GIN
    index cannot answer, so whatever plan PostgreSQL picks reads at most that window); when they hold
    a full page it is the answer, since every document outside the window is older. Otherwise the
    words are rare and the whole book is searched through the GIN index, which is then cheap (ADR
    1601; tests/documents/test_search.py compares both steps with `search`). Both steps are the
    ORM's own queries. The bound may be any instant: the window query returns the newest matches
    at or after it, and every match it leaves out is older than all of them — so it is cached.
    """
    want = size + 1
    q = filters.get("q", "")
    # A number as printed is rare by nature (one document, or a few): straight to the index.
    if tsquery_text(q) and page == 1 and "/" not in q:
        bound = _window_bound(user, window)
        if bound is not None:
            recent = list(_rows(user, indexed=False, since=bound, **filters)[:want])
            if len(recent) == want:
                return recent[:size], True
    start = (page - 1) * size
    items = list(_rows(user, **filters)[start : start + want])
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


def may_see_task_board(user) -> bool:
    """The per-agency task board opens to the province's leaders (every agency) and to an agency's
    leaders (their own): task_board_scope says which agencies."""
    return task_board_scope(user) != ()


def task_board_scope(user):
    """None: every agency (a province leader, a superuser); a tuple of one agency id: an agency
    leader's own; (): nobody (everyone else)."""
    from core.users import roles

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    if user.is_superuser or user.has_role(roles.PROVINCE_LEADER):
        return None
    if user.agency_id and is_leader(user, user.agency_id):
        return (user.agency_id,)
    return ()


def task_board(user, *, year: int, today: dt.date | None = None) -> list[dict]:
    """Tasks due in `year` per assigning agency (the agency that gave and follows up the work, as in
    `visible_tasks` and the operations centre's overdue-task indicator), each row:
    {"agency_id", "agency", "total", "open", "overdue", "done", "done_on_time", "done_late",
    "cancelled", "on_time_rate"} — `overdue` the open ones past their deadline at `today`,
    `on_time_rate` the share of finished tasks finished by their deadline (None when none finished).
    Only the agencies `user` may follow (task_board_scope); the worst first (most overdue)."""
    from django.db.models import Count, F
    from django.db.models.functions import TruncDate
    from django.db.models.lookups import LessThanOrEqual

    from government.documents.models import Task

    scope = task_board_scope(user)
    if scope == ():
        return []
    today = today or timezone.localdate()
    rows = Task.objects.filter(deadline__year=year)
    if scope is not None:
        rows = rows.filter(agency_id__in=scope)
    open_ = Q(status__in=(Task.Status.OPEN, Task.Status.IN_PROGRESS))
    done = Q(status=Task.Status.DONE)
    # Finished on time: completed on or before the deadline's day, in the province's time zone.
    on_time = done & Q(LessThanOrEqual(TruncDate("completed_at", tzinfo=LOCAL), F("deadline")))
    counts = rows.values("agency_id", "agency__name").annotate(
        total=Count("pk"),
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(deadline__lt=today)),
        done=Count("pk", filter=done),
        done_on_time=Count("pk", filter=on_time),
        cancelled=Count("pk", filter=Q(status=Task.Status.CANCELLED)),
    )
    out = []
    for r in counts:
        out.append(
            {
                "agency_id": r["agency_id"],
                "agency": r["agency__name"],
                "total": r["total"],
                "open": r["open"],
                "overdue": r["overdue"],
                "done": r["done"],
                "done_on_time": r["done_on_time"],
                "done_late": r["done"] - r["done_on_time"],
                "cancelled": r["cancelled"],
                "on_time_rate": percent(r["done_on_time"], r["done"], digits=1),
            }
        )
    out.sort(key=lambda r: (-r["overdue"], r["on_time_rate"] if r["on_time_rate"] is not None else 101, r["agency"]))
    return out

"""Reads of the government pillar, already scoped to what the user may see:
a citizen sees their own dossiers; an official the dossiers of their own agency; a province leader
and a system administrator every dossier (read-only for the leader: acting needs the agency)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from core.errors import NotFoundError
from core.users import roles
from government import workdays
from government.models import OPEN_STATUSES, Dossier, Procedure

S = Dossier.Status
DUE_SOON_WORKING_DAYS = 2


def procedure_list(*, q: str = "", topic: str = "", agency: str = "") -> QuerySet[Procedure]:
    """The public catalogue, searchable by name (accents ignored by Postgres' unaccent-free icontains
    on both the Vietnamese and English names), code, topic and agency."""
    qs = Procedure.objects.filter(is_active=True).select_related("agency").prefetch_related("documents")
    if q:
        q = q.strip()[:100]
        qs = qs.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
    if topic:
        qs = qs.filter(topic=topic)
    if agency == "commune":
        qs = qs.filter(scope=Procedure.Scope.COMMUNE)
    elif agency:
        qs = qs.filter(agency__code=agency)
    return qs.order_by("topic", "name")


def procedure_get(code: str) -> Procedure:
    try:
        return Procedure.objects.select_related("agency").prefetch_related("documents").get(code=code, is_active=True)
    except Procedure.DoesNotExist:
        raise NotFoundError from None


def procedure_agencies() -> list[tuple[str, str]]:
    """The agencies that handle at least one procedure, for the catalogue's filter, named in the
    reader's language (the English name where the reference data has one)."""
    english = (get_language() or "").startswith("en")
    rows = (
        Procedure.objects.filter(is_active=True, agency__isnull=False)
        .values_list("agency__code", "agency__name", "agency__name_en")
        .distinct()
        .order_by("agency__name")
    )
    return [(code, (name_en if english and name_en else name)) for code, name, name_en in rows]


def can_see_all(user) -> bool:
    return user.is_superuser or user.has_role(roles.PROVINCE_LEADER)


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """Every dossier `user` may read, whoever they are (nothing for an anonymous user)."""
    qs = Dossier.objects.select_related("procedure", "agency")
    if user is None or not user.is_authenticated:
        return qs.none()
    if can_see_all(user):
        return qs
    conditions = Q(applicant=user)
    if user.agency_id and user.has_role(roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL):
        conditions |= Q(agency_id=user.agency_id) & ~Q(status=S.DRAFT)
    return qs.filter(conditions)


def dossier_get_for_user(user, uid) -> Dossier:
    """NotFoundError (a 404, not a 403) for a dossier the user may not see: its existence is not
    disclosed."""
    try:
        return (
            dossiers_visible_to(user)
            .select_related("applicant", "assignee", "admin_unit")
            # The commune's boundary (~11 KB of polygon parsed into GEOS on every dossier page and
            # action) is never shown with a dossier; loaded lazily if something ever asks for it.
            .defer("admin_unit__geometry")
            .get(uid=uid)
        )
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise NotFoundError from None


def own_dossier_get(user, uid) -> Dossier:
    """One of `user`'s own dossiers (NotFoundError for anyone else's, as dossier_get_for_user), with only the
    procedure and agency joined: the draft page's read on every save and submission, kept light."""
    if user is None or not user.is_authenticated:
        raise NotFoundError
    try:
        return Dossier.objects.select_related("procedure", "agency").get(uid=uid, applicant=user)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise NotFoundError from None


def my_dossiers(user) -> QuerySet[Dossier]:
    return Dossier.objects.filter(applicant=user).select_related("procedure", "agency").order_by("-created_at")


def my_dossiers_summary(user, *, limit: int = 5) -> list[Dossier]:
    """The citizen's latest dossiers for the home panel: only the columns the panel shows, because
    every signed-in citizen's home page pays for this query (bench/foundation.sh)."""
    return list(
        Dossier.objects.filter(applicant=user)
        .select_related("procedure")
        .only("uid", "code", "status", "created_at", "procedure__name", "procedure__name_en")
        .order_by("-created_at")[:limit]
    )


def official_queue(
    user,
    *,
    status: str = "",
    procedure: str = "",
    due: str = "",
    mine: bool = False,
    q: str = "",
) -> QuerySet[Dossier]:
    """The work queue of the official's agency: open dossiers first by appointment date.
    `due` = "overdue" | "soon" (due within two working days); `q` searches code and applicant."""
    qs = Dossier.objects.select_related("procedure", "assignee").exclude(status=S.DRAFT)
    if not user.is_superuser:
        if not user.agency_id:
            return qs.none()
        qs = qs.filter(agency_id=user.agency_id)
    if status == "open" or not status:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    today = timezone.localdate()
    if due == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    elif due == "soon":
        limit = workdays.WorkCalendar(today).add_working_days(today, DUE_SOON_WORKING_DAYS)
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=limit)
    if mine:
        qs = qs.filter(assignee=user)
    if q:
        q = q.strip()[:100]
        qs = qs.filter(Q(code__icontains=q) | Q(applicant_name__icontains=q))
    return qs.order_by("due_date", "received_at", "id")


def queue_counts(user) -> dict:
    """Counts for the official's home panel and queue header."""
    base = official_queue(user, status="open")
    today = timezone.localdate()
    limit = workdays.WorkCalendar(today).add_working_days(today, DUE_SOON_WORKING_DAYS)
    return base.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due_soon=Count("id", filter=Q(due_date__gte=today, due_date__lte=limit)),
        mine=Count("id", filter=Q(assignee=user)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
    )


def deadline_state(dossier: Dossier, today: dt.date | None = None) -> dict:
    """For the countdown badge: {'state': ok|soon|overdue|paused|done, 'days': working days left}."""
    if dossier.is_finished:
        on_time = dossier.due_date is None or timezone.localtime(dossier.finished_at).date() <= dossier.due_date
        return {"state": "done", "on_time": on_time, "days": None}
    if dossier.status == S.SUPPLEMENT:
        return {"state": "paused", "days": None}
    if not dossier.due_date:
        return {"state": "none", "days": None}
    left = workdays.working_days_left(dossier.due_date, today)
    if left < 0:
        return {"state": "overdue", "days": -left}
    if left <= DUE_SOON_WORKING_DAYS:
        return {"state": "soon", "days": left}
    return {"state": "ok", "days": left}


def public_lookup(code: str, id_last4: str) -> Dossier | None:
    """A filed dossier by its code and the last four digits of the applicant's ID number; None
    when either does not match (the caller says the same thing in both cases)."""
    code = (code or "").strip().upper()
    id_last4 = (id_last4 or "").strip()
    if not code or len(id_last4) != 4 or not id_last4.isdigit():
        return None
    d = Dossier.objects.select_related("procedure", "agency").exclude(status=S.DRAFT).filter(code__iexact=code).first()
    if d is None or not d.applicant_id_number or not d.applicant_id_number.endswith(id_last4):
        return None
    return d


def public_history(dossier: Dossier) -> list[dict]:
    """The steps without notes or names: what the public lookup may show."""
    labels = dict(S.choices)
    return [
        {"at": e.at, "status": e.to_status, "status_label": labels.get(e.to_status, e.to_status)}
        for e in dossier.events.all()
    ]


def dossier_events_awaiting_notification(*, older_than_minutes: int = 5, limit: int = 1000) -> list[int]:
    """Timeline events whose applicant notification was not recorded a while after the step (its
    task message was probably lost), oldest first."""
    from government.models import DossierEvent

    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    qs = DossierEvent.objects.filter(notify_pending=True, at__lt=cutoff).order_by("at")
    return list(qs.values_list("pk", flat=True)[:limit])

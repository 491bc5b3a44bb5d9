"""Who may read which audit rows.

- System administrators and province leaders: every row (they answer for the whole province,
  and investigations start with them).
- Every other official: the rows they made themselves, and the rows about their own agency's
  objects (AuditLog.agency, or the Agency row itself). A commune official therefore cannot browse
  the history of another commune's citizens' dossiers: the log holds personal data (Decree
  13/2023/NĐ-CP on personal data protection: access on a need-to-know basis).
- Citizens, enterprises and users without a role: none (the view answers 403).
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.audit.models import AuditLog
from core.permissions import user_has_role
from core.users import roles

SEE_ALL_ROLES = (roles.SYSTEM_ADMIN, roles.PROVINCE_LEADER)


def audit_sees_everything(user) -> bool:
    return user_has_role(user, *SEE_ALL_ROLES)


def audit_entries_visible_to(user) -> QuerySet[AuditLog]:
    qs = AuditLog.objects.select_related("actor", "agency")
    if audit_sees_everything(user):
        return qs
    if not user_has_role(user, *roles.OFFICIAL_ROLES):
        return qs.none()
    scope = Q(actor=user)
    if user_has_role(user, roles.FINANCE_OFFICER):
        # The finance office follows the money: every payment and refund, whatever the agency.
        scope |= Q(object_type__in=["payments.payment", "payments.refund"])
    if user.agency_id:
        scope |= Q(agency_id=user.agency_id) | Q(object_type="agencies.agency", object_id=str(user.agency_id))
    return qs.filter(scope)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_search(
    *,
    user,
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    action_prefix: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditLog]:
    """Rows visible to `user` matching every given filter. `actor` is an email (exact, any case) or
    a user id; dates are local (Asia/Ho_Chi_Minh) days, both inclusive."""
    qs = audit_entries_visible_to(user)
    if object_type:
        qs = qs.filter(object_type=object_type.strip().lower())
    if object_id:
        qs = qs.filter(object_id=object_id.strip())
    if actor:
        actor = actor.strip()
        match = Q(actor__email__iexact=actor) | Q(actor_label__iexact=actor)
        if actor.isdigit():
            match |= Q(actor_id=int(actor))
        qs = qs.filter(match)
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix.strip())
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return qs.order_by("-at", "-id")


def audit_diff(entry: AuditLog) -> list[dict]:
    """Field-by-field view of before/after: every key of either side, marked when it changed."""
    before = entry.before if isinstance(entry.before, dict) else ({} if entry.before is None else {"": entry.before})
    after = entry.after if isinstance(entry.after, dict) else ({} if entry.after is None else {"": entry.after})
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        rows.append({"field": key, "before": old, "after": new, "changed": old != new, "added": key not in before})
    return rows


def audit_object_types(user) -> list[str]:
    return list(audit_entries_visible_to(user).order_by().values_list("object_type", flat=True).distinct()[:200])

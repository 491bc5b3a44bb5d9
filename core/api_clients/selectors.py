"""Reads of the machine clients, already limited to what the user manages: the system
administrators see every client; an agency's administrators see their agency's clients."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.api_clients import registry
from core.api_clients.models import ApiCall, ApiClient, ApiKey
from core.api_clients.services import may_manage
from core.users import roles


def sees_every_client(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(roles.SYSTEM_ADMIN))


def clients_for(user) -> QuerySet[ApiClient]:
    qs = ApiClient.objects.select_related("owner_agency").prefetch_related("units")
    if sees_every_client(user):
        return qs
    if not (user.is_authenticated and user.agency_id and may_manage(user, agency=user.agency)):
        return qs.none()
    return qs.filter(owner_agency_id=user.agency_id)


def client_for(user, pk) -> ApiClient | None:
    return clients_for(user).filter(pk=pk).first()


def key_for(user, pk) -> ApiKey | None:
    return ApiKey.objects.select_related("client").filter(client__in=clients_for(user), pk=pk).first()


def issuable_kinds(agency) -> list[registry.ClientKind]:
    if agency is None:
        return []
    return [k for k in registry.all_kinds() if k.issuable_by(agency)]


def calls_for(
    user,
    *,
    client: ApiClient | None = None,
    service: str = "",
    status: str = "",
    key_prefix: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ApiCall]:
    """The call log as the user may read it: calls of the clients they manage (system
    administrators also see calls with an invalid key, which belong to no client)."""
    qs = ApiCall.objects.select_related("client")
    if not sees_every_client(user):
        qs = qs.filter(client__in=clients_for(user))
    if client is not None:
        qs = qs.filter(client=client)
    if service:
        qs = qs.filter(service=service)
    if status == "ok":
        qs = qs.filter(status__lt=400)
    elif status == "refused":
        qs = qs.filter(status__gte=400, status__lt=500)
    elif status == "error":
        qs = qs.filter(status__gte=500)
    if key_prefix:
        qs = qs.filter(key_prefix=key_prefix)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    return qs.order_by("-at", "-pk")


def calls_summary(client: ApiClient, *, days: int = 7) -> dict:
    since = timezone.now() - timedelta(days=days)
    qs = ApiCall.objects.filter(client=client, at__gte=since)
    return {
        "total": qs.count(),
        "refused": qs.filter(Q(status__gte=400)).count(),
        "days": days,
    }

"""The one way to write the audit log. Every state-changing service in every app calls
`audit_record` inside its transaction, so the audit row commits or rolls back with the change."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from core.audit.models import AuditLog
from core.request_context import current_request_meta


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _agency_id_of(obj) -> int | None:
    if obj is None:
        return None
    if obj._meta.label_lower == "agencies.agency":
        return obj.pk
    for attribute in ("audit_agency_id", "agency_id"):
        value = getattr(obj, attribute, None)
        if isinstance(value, int):
            return value
    return None


def _row(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict | None = None,
    after: dict | None = None,
    actor_label: str = "",
    agency=None,
) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    agency_id = _agency_id_of(obj) if agency is None else getattr(agency, "pk", agency)
    meta = current_request_meta()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog(
        actor=user,
        actor_label=actor_label or (user.email if user else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:200] if obj is not None else "",
        agency_id=agency_id,
        before=_jsonable(before),
        after=_jsonable(after),
        ip=meta.get("ip"),
        request_id=meta.get("request_id", ""),
    )


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict | None = None,
    after: dict | None = None,
    actor_label: str = "",
    agency=None,
) -> AuditLog:
    """Append one audit row. `action` is a dotted code: `<app>.<entity>.<verb>`
    (e.g. `government.dossier.submit`). `actor` may be None for the system (Celery, API keys:
    pass `actor_label`).

    `agency` is the agency the object belongs to; officials of that agency may read the row in
    the audit UI. When not given it is taken from the object: an Agency itself, else an
    `audit_agency_id` attribute/property, else an `agency_id` field."""
    row = _row(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        actor_label=actor_label,
        agency=agency,
    )
    row.save(force_insert=True)
    return row


def audit_record_many(entries: list[dict]) -> list[AuditLog]:
    """Append several audit rows in one INSERT: a batch job that changes many objects in one
    transaction (the transcripts a signing job signs together). Each entry holds `audit_record`'s
    keyword arguments; the rows are the same as `audit_record` would write one by one."""
    return AuditLog.objects.bulk_create([_row(**entry) for entry in entries])

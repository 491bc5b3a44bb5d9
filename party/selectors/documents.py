"""Reads of Party documents: a document's page, an organisation's inbox, the read receipts."""

from django.db.models import Q, QuerySet

from core.text import fold
from party.models import Distribution, PartyDocument, PartyOrganisation
from party.selectors import access


def document_for(user, pk: int) -> PartyDocument | None:
    return (
        access.documents_visible_to(user)
        .select_related("organisation", "organisation__parent", "signed_document")
        .filter(pk=pk)
        .first()
    )


def inbox(user, *, state: str = "", organisation_id: int | None = None) -> QuerySet[Distribution]:
    """What was sent to the organisations `user` acts for, newest first."""
    ids = [o.pk for o in access.officer_organisations(user)]
    rows = Distribution.objects.filter(
        organisation_id__in=ids, document__status=PartyDocument.Status.ISSUED
    ).select_related("document", "document__organisation", "organisation", "read_by")
    if organisation_id:
        rows = rows.filter(organisation_id=organisation_id)
    if state == "unread":
        rows = rows.filter(read_at__isnull=True)
    elif state == "read":
        rows = rows.filter(read_at__isnull=False)
    return rows.order_by("-sent_at", "-id")


def receipts(document: PartyDocument) -> dict:
    """Who has and has not read a document (for its issuer)."""
    rows = list(document.distributions.select_related("organisation", "read_by").order_by("organisation__path"))
    return {
        "read": [r for r in rows if r.read_at],
        "unread": [r for r in rows if not r.read_at],
        "total": len(rows),
    }


def recipient_choices(document: PartyDocument) -> QuerySet[PartyOrganisation]:
    """Organisations a document may be sent to: every active one but its issuer and those it was
    already sent to."""
    return (
        PartyOrganisation.objects.filter(is_active=True)
        .exclude(pk=document.organisation_id)
        .exclude(inbox__document=document)
        .order_by("path")
    )


def my_distributions(user, document: PartyDocument) -> list[Distribution]:
    ids = [o.pk for o in access.officer_organisations(user)]
    return list(document.distributions.filter(organisation_id__in=ids).select_related("organisation"))


def register(user, *, kind: str = "", q: str = "") -> QuerySet[PartyDocument]:
    """The documents `user` may see (party.selectors.access), searched over number, abstract and
    issuing body with or without diacritics (unaccent on both sides)."""
    docs = access.documents_visible_to(user).select_related("organisation")
    if kind:
        docs = docs.filter(kind=kind)
    if q.strip():
        folded = fold(q.strip())
        docs = docs.filter(
            Q(number__unaccent__icontains=folded)
            | Q(title__unaccent__icontains=folded)
            | Q(summary__unaccent__icontains=folded)
            | Q(organisation__name__unaccent__icontains=folded)
            | Q(organisation__short_name__unaccent__icontains=folded)
        )
    return docs.order_by("status", "-issued_on", "-created_at", "number")

"""Reads of the steering committees (not secret: their members are public officials)."""

from django.db.models import Count, Q, QuerySet

from party.models import SteeringCommittee


def committees() -> QuerySet[SteeringCommittee]:
    return (
        SteeringCommittee.objects.filter(is_active=True)
        .select_related("organisation")
        .annotate(seats=Count("members", filter=Q(members__until__isnull=True)))
        .order_by("organisation__path", "name")
    )

"""Reads of the organisation tree and members (scoped by party.selectors.access)."""

from django.db.models import Count, Q, QuerySet

from core.text import fold
from party.models import PartyMember, PartyOrganisation
from party.selectors import access


def tree_rows(user) -> list[dict]:
    """Every active organisation in tree order with its depth, and its member count where the user
    may see its members (None elsewhere: the count of a cell's members is member data too)."""
    orgs = list(
        PartyOrganisation.objects.filter(is_active=True)
        .annotate(member_count=Count("members", filter=~Q(members__status=PartyMember.Status.TRANSFERRED)))
        .order_by("path")
    )
    by_parent: dict[int | None, list[PartyOrganisation]] = {}
    for org in orgs:
        by_parent.setdefault(org.parent_id, []).append(org)
    rows: list[dict] = []

    def walk(parent_id, depth):
        for org in sorted(by_parent.get(parent_id, []), key=lambda o: (o.level != "board", o.name)):
            rows.append(
                {
                    "org": org,
                    "depth": depth,
                    "indent": "  " * depth + ("└ " if depth else ""),
                    "members": org.member_count if access.in_scope(user, org) else None,
                }
            )
            walk(org.pk, depth + 1)

    walk(None, 0)
    return rows


def members_of(user, org: PartyOrganisation, *, q: str = "") -> QuerySet[PartyMember]:
    """Members of `org` and the cells under it, for a user who may see them (none otherwise)."""
    rows = access.members_visible_to(user).filter(organisation__path__startswith=org.path)
    if q.strip():
        rows = rows.filter(Q(full_name__unaccent__icontains=fold(q.strip())) | Q(card_number__icontains=q.strip()))
    return rows.prefetch_related("positions__organisation").order_by("organisation__name", "full_name")


def cells_in_scope(user) -> QuerySet[PartyOrganisation]:
    return (
        access.organisations_in_scope(user).filter(level=PartyOrganisation.Level.CELL, is_active=True).order_by("name")
    )


def organisations_for_positions(user, member: PartyMember) -> QuerySet[PartyOrganisation]:
    """Where a member may be given a position by `user`: the member's cell and the organisations
    above it, within the user's scope."""
    ancestors = [int(pk) for pk in member.organisation.path.strip("/").split("/")]
    return access.organisations_in_scope(user).filter(pk__in=ancestors).order_by("path")

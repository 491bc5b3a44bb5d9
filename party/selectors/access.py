"""Who may see what of the Party's data: the one definition (ADR 1501).

- A *Party official of an organisation* holds the Party-official role and either is assigned to it
  (OrganisationOfficer) or works in the agency the organisation is (the provincial committee and its
  boards are agencies). Nobody else acts for an organisation: not a superuser, not a government
  official, whatever their rank.
- Member data: Party officials of the member's cell or of an organisation above it.
- Documents: the issuer's officials (drafts too); issued documents to the recipients' officials;
  issued internal ones also to officials of an organisation above the issuer; issued ordinary ones
  ("Thường") to every Party official, province leader and system administrator. Confidential and
  secret documents only to the issuer and the named recipients.
"""

from django.db.models import Q, QuerySet

from core.users import roles
from party.models import PartyDocument, PartyMember, PartyOrganisation


def _is_party_official(user) -> bool:
    # Deliberately not core.permissions.user_has_role: a superuser gets no Party scope by default.
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_role(roles.PARTY_OFFICIAL))


def officer_organisations(user) -> list[PartyOrganisation]:
    """The organisations `user` acts for (cached on the user object for the request)."""
    cached = getattr(user, "_party_organisations", None)
    if cached is not None:
        return cached
    orgs: list[PartyOrganisation] = []
    if _is_party_official(user):
        q = Q(officers__user=user, officers__is_active=True)
        if user.agency_id:
            q |= Q(agency_id=user.agency_id)
        orgs = list(PartyOrganisation.objects.filter(q, is_active=True).distinct().order_by("path"))
    user._party_organisations = orgs
    return orgs


def scope_q(user, prefix: str = "") -> Q:
    """Rows whose organisation (reached through `prefix`, e.g. "organisation__") is one the user acts
    for or lies under one of them. Matches nothing for anyone else."""
    orgs = officer_organisations(user)
    if not orgs:
        return Q(pk__in=[])
    q = Q()
    for org in orgs:
        q |= Q(**{f"{prefix}path__startswith": org.path})
    return q


def in_scope(user, organisation: PartyOrganisation) -> bool:
    return any(organisation.path.startswith(org.path) for org in officer_organisations(user))


def can_manage_members(user, organisation: PartyOrganisation) -> bool:
    return in_scope(user, organisation)


def members_visible_to(user) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(scope_q(user, "organisation__")).select_related("organisation")


def organisations_in_scope(user) -> QuerySet[PartyOrganisation]:
    return PartyOrganisation.objects.filter(scope_q(user))


def sees_register(user) -> bool:
    """Whether `user` reads the register of ordinary issued documents."""
    if _is_party_official(user):
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_role(roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)
    )


def documents_visible_to(user) -> QuerySet[PartyDocument]:
    from django.db.models import Exists, OuterRef

    from party.models import Distribution

    doc = PartyDocument
    orgs = officer_organisations(user)
    q = Q(pk__in=[])
    if sees_register(user):
        q |= Q(status=doc.Status.ISSUED, confidentiality=doc.Confidentiality.NORMAL)
    if orgs:
        ids = [o.pk for o in orgs]
        received = Exists(Distribution.objects.filter(document=OuterRef("pk"), organisation_id__in=ids))
        q |= Q(organisation_id__in=ids)
        q |= Q(received, status=doc.Status.ISSUED)
        q |= Q(scope_q(user, "organisation__"), status=doc.Status.ISSUED, confidentiality=doc.Confidentiality.INTERNAL)
    return doc.objects.filter(q)


def issuing_organisations(user) -> list[PartyOrganisation]:
    """Where `user` may draft and issue documents: the organisations they act for."""
    return officer_organisations(user)


def can_report_on(user, task) -> bool:
    """Progress on a resolution task is reported by officials of its owner agency, and only them (not
    any Party official, not a superuser of another agency)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_official
        and user.agency_id is not None
        and user.agency_id == task.owner_id
    )


def tasks_visible_to(user):
    """All tasks for the register's readers (Party officials, province leaders, administrators);
    an owner agency's own tasks for its officials; nothing for anyone else."""
    from core.permissions import user_has_role
    from party.models import KeyTask
    from party.permissions import VIEW_ROLES

    if user_has_role(user, *VIEW_ROLES):
        return KeyTask.objects.all()
    if user is not None and user.is_authenticated and user.is_active and user.is_official and user.agency_id:
        return KeyTask.objects.filter(owner_id=user.agency_id)
    return KeyTask.objects.none()


def officers_of(organisation: PartyOrganisation):
    """The people who act for `organisation`: its assigned Party officials and, for an organisation
    that is an agency, that agency's Party officials."""
    from core.users.models import User

    q = Q(party_assignments__organisation=organisation, party_assignments__is_active=True)
    if organisation.agency_id:
        q |= Q(agency_id=organisation.agency_id)
    return User.objects.filter(q, is_active=True, groups__name=roles.PARTY_OFFICIAL).distinct()

"""Who may do what with an agency's documents. One definition, used by services (which refuse)
and selectors (which filter); views only ask these questions."""

from core.users import roles

# Officials who keep documents on the portal (an agency's staff). The clerk and leader roles are
# held beside one of the others.
DOCUMENT_ROLES = roles.DOCUMENT_ROLES
LEADER_ROLES = (roles.AGENCY_LEADER, roles.PROVINCE_LEADER)
# What every official of the agency reads: registered incoming documents and issued outgoing ones
# (drafts and documents still arriving are the business of the people they are addressed to).
STAFF_VISIBLE_STATUSES = ("registered", "assigned", "in_progress", "processed", "closed", "issued")


def works_at(user, agency_id) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.agency_id is not None
        and user.agency_id == agency_id
        and user.has_role(*DOCUMENT_ROLES)
    )


def is_clerk(user, agency_id) -> bool:
    return works_at(user, agency_id) and user.has_role(roles.DOCUMENT_CLERK)


def is_leader(user, agency_id) -> bool:
    return works_at(user, agency_id) and user.has_role(*LEADER_ROLES)


def is_document_user(user) -> bool:
    """May open the documents pages at all (an official of an agency)."""
    return bool(user.is_authenticated and user.agency_id and user.has_role(*DOCUMENT_ROLES))


def addressed_to(user, document) -> bool:
    """The document is this person's business: they handle, drafted, review or sign it."""
    uid = user.pk
    return uid is not None and uid in (
        document.handler_id,
        document.drafter_id,
        document.reviewer_id,
        document.signer_id,
    )


def may_read(user, document) -> bool:
    """Officials of the owning agency read its ordinary documents; a confidential one only its
    clerk, leaders and the people it is addressed to (or a task from it is)."""
    if addressed_to(user, document):
        return True
    if not works_at(user, document.agency_id):
        return document.tasks.filter(assignee=user).exists()
    if document.confidentiality == "normal" and document.status in STAFF_VISIBLE_STATUSES:
        return True
    return is_clerk(user, document.agency_id) or is_leader(user, document.agency_id)

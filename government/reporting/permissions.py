"""Who does what in periodic reporting: one definition, read by selectors, services and views.

- A unit's officials (a commune official of the commune's People's Committee, a department official
  of a department) fill and submit their own unit's reports of the forms addressed to such units.
- The collecting agency's officials (the form's owner), the province's leaders and the system
  administrators review (accept, return), reopen locked periods and see every unit's report."""

from core.users import roles

SUBMITTER_ROLE = {"communes": roles.COMMUNE_OFFICIAL, "departments": roles.DEPARTMENT_OFFICIAL}
SUBMITTER_AGENCY_KIND = {"communes": "commune", "departments": "department"}
READER_ROLES = roles.REPORTING_ROLES


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_province(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_role(roles.SYSTEM_ADMIN, roles.PROVINCE_LEADER))


def may_submit(user, form) -> bool:
    """The user files reports for their own agency on this form."""
    return (
        _active(user)
        and user.agency_id is not None
        and user.has_role(SUBMITTER_ROLE[form.submitters])
        and user.agency.kind == SUBMITTER_AGENCY_KIND[form.submitters]
    )


def may_review(user, form) -> bool:
    return is_province(user) or (
        _active(user) and user.agency_id is not None and user.agency_id == form.owner_agency_id and user.is_official
    )

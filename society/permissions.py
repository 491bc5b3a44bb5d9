"""Who may see and do what in the digital society pillar."""

from core import permissions as core_permissions
from core.permissions import COMMUNE_EDIT_ROLES as EDIT_ROLES
from core.permissions import COMMUNE_VIEW_ROLES as VIEW_ROLES
from core.permissions import can_edit_commune, commune_scope
from core.users import roles

__all__ = ["EDIT_ROLES", "VIEW_ROLES", "can_edit_commune", "commune_scope"]

# The agency that keeps the province's subject list (core/reference/agencies.json).
EDUCATION_DEPARTMENT = "so-gddt"


# --- Schools: what a person may do comes from their SchoolStaff rows -------------------------------


def school_roles(user, school) -> set[str]:
    """The active roles of `user` in `school` ("teacher", "principal", "admin")."""
    if user is None or not user.is_authenticated or school is None:
        return set()
    cache = getattr(user, "_society_school_roles", None)
    if cache is None:
        from society.models import SchoolStaff

        cache = {}
        for school_id, role in SchoolStaff.objects.filter(user=user, is_active=True).values_list("school_id", "role"):
            cache.setdefault(school_id, set()).add(role)
        user._society_school_roles = cache
    return cache.get(getattr(school, "pk", school), set())


def is_school_staff(user, school, *roles: str) -> bool:
    held = school_roles(user, school)
    return bool(held & set(roles)) if roles else bool(held)


def can_view_school(user, school) -> bool:
    """Staff of the school see its classes, gradebooks and edit trail; a system administrator too."""
    return is_school_staff(user, school) or core_permissions.user_has_role(user, roles.SYSTEM_ADMIN)


def can_view_student(user, student) -> bool:
    """A student's identity data and transcripts: their current school, themselves, their parents."""
    if user is None or not user.is_authenticated:
        return False
    if student.user_id == user.pk or can_view_school(user, student.school_id):
        return True
    return student.guardians.filter(pk=user.pk).exists()


def can_manage_subjects(user) -> bool:
    """The province's subject list: officials of the Department of Education and Training, and
    system administrators."""
    if core_permissions.user_has_role(user, roles.SYSTEM_ADMIN):
        return True
    agency = getattr(user, "agency", None) if getattr(user, "is_authenticated", False) else None
    return (
        core_permissions.user_has_role(user, roles.DEPARTMENT_OFFICIAL)
        and agency is not None
        and (agency.code == EDUCATION_DEPARTMENT)
    )

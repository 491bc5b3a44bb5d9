"""Who may see and do what in the digital society pillar."""

from core import permissions as core_permissions
from core.users import roles

# Officials who see the pillar's lists: a commune official sees their commune, the others the province.
VIEW_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)
# Who records visits and school figures: the commune (own commune) and the departments.
EDIT_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL, roles.SYSTEM_ADMIN)
PROVINCE_WIDE = (roles.DEPARTMENT_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)


def commune_scope(user):
    """None when the user sees the whole province, else their one commune (see core.permissions)."""
    return core_permissions.commune_scope(user, province_wide_roles=PROVINCE_WIDE)


def can_edit_commune(user, commune) -> bool:
    return core_permissions.can_edit_commune(user, commune, edit_roles=EDIT_ROLES, province_wide_roles=PROVINCE_WIDE)


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

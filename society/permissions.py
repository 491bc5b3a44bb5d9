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

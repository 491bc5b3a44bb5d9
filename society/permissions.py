"""Who may see and do what in the digital society pillar."""

from django.core.exceptions import PermissionDenied

from core.permissions import user_has_role
from core.users import roles

# Officials who see the pillar's lists: a commune official sees their commune, the others the province.
VIEW_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)
# Who records visits and school figures: the commune (own commune) and the departments.
EDIT_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL, roles.SYSTEM_ADMIN)
PROVINCE_WIDE = (roles.DEPARTMENT_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)


def commune_scope(user):
    """None when the user sees the whole province, else the one commune (AdministrativeUnit) they may
    see. Raises PermissionDenied for users without a viewing role."""
    if user_has_role(user, *PROVINCE_WIDE):
        return None
    if user_has_role(user, roles.COMMUNE_OFFICIAL) and user.admin_unit_id:
        return user.admin_unit
    raise PermissionDenied


def can_edit_commune(user, commune) -> bool:
    if not user_has_role(user, *EDIT_ROLES):
        return False
    scope = commune_scope(user)
    return scope is None or scope.pk == commune.pk

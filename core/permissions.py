"""Role checks shared by every app's views and APIs."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from core.errors import NotAllowedError
from core.users import roles


def user_has_role(user, *role_names: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_role(*role_names)


def role_required(*role_names: str):
    """View decorator: anonymous users go to the login page, others without one of the roles get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_role(request.user, *role_names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(role_names)
        return wrapped

    return decorator


class RoleRequiredMixin:
    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_has_role(request.user, *self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def HasRole(*role_names: str):  # noqa: N802 - reads like a class in permission_classes lists
    """DRF permission class factory: `permission_classes = [HasRole(roles.CITIZEN)]`."""

    class _HasRole(BasePermission):
        def has_permission(self, request, view):
            return user_has_role(request.user, *role_names)

    _HasRole.__name__ = f"HasRole({','.join(role_names)})"
    return _HasRole


# The commune-or-province rule of the pillars' official lists (economy, society): officials who see
# the lists (a commune official only their commune), who record figures, who see the whole province.
COMMUNE_VIEW_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)
COMMUNE_EDIT_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL, roles.SYSTEM_ADMIN)
PROVINCE_WIDE_ROLES = (roles.DEPARTMENT_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)


def commune_scope(user, *, province_wide_roles=PROVINCE_WIDE_ROLES):
    """The commune-or-province scope shared by the pillars' official lists: None when the user sees
    the whole province (one of `province_wide_roles`), else the one commune (AdministrativeUnit) a
    commune official may see. Raises NotAllowedError (a 403 in views) for everyone else."""
    if user_has_role(user, *province_wide_roles):
        return None
    if user_has_role(user, roles.COMMUNE_OFFICIAL) and user.admin_unit_id:
        return user.admin_unit
    raise NotAllowedError(_("Bạn không xem được số liệu này."))


def can_edit_commune(user, commune, *, edit_roles=COMMUNE_EDIT_ROLES, province_wide_roles=PROVINCE_WIDE_ROLES) -> bool:
    """Whether `user` may record data for `commune`: an editing role, and the commune within scope."""
    if not user_has_role(user, *edit_roles):
        return False
    scope = commune_scope(user, province_wide_roles=province_wide_roles)
    return scope is None or scope.pk == commune.pk

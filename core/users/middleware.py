import functools

from django.db import connection
from django.shortcuts import redirect
from django.urls import reverse

# Paths an official without TOTP may still open: enrolment itself, logout, language switch,
# static assets, health and the public verification pages.
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/language/", "/static/", "/media/", "/health", "/verify/", "/favicon")


class OfficialMFAMiddleware:
    """Officials must enrol TOTP (allauth.mfa) before they reach any page other than enrolment.
    allauth then asks for the code at every login, so an official session is always two-factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            load_authorization(request, user)
            if (
                (user.is_official or user.is_staff)
                and not request.path.startswith(_ALLOWED_PREFIXES)
                and not _has_totp(request, user)
            ):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {"detail": "Cán bộ phải kích hoạt xác thực hai lớp (TOTP) trước khi sử dụng."}, status=403
                    )
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


_HAS_TOTP_ATTR = "_portal_has_totp"


def load_authorization(request, user) -> None:
    """Load the signed-in user's role names and whether they have a TOTP authenticator in ONE query,
    and prime `user.role_names` (core.users.models caches it in `_role_names`) and the TOTP flag.

    Why: every authenticated request needs both (this middleware decides on them before any view
    runs); the ORM asked for them in two queries, each a round trip to PostgreSQL that costs far more
    than the rows it returns on a busy machine (docs/benchmarks.md, "Foundation"). Read fresh on
    every request on purpose, never cached across requests: a role removed, a group deleted or an
    authenticator removed takes effect on the very next request, whatever path made the change
    (admin, shell, a queryset update or a cascade that sends no signal)."""
    if hasattr(user, "_role_names") and getattr(request, _HAS_TOTP_ATTR, None) is not None:
        return
    sql, totp_type = _authorization_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, totp_type, user.pk])
        names, has_totp = cursor.fetchone()
    user._role_names = set(names)
    setattr(request, _HAS_TOTP_ATTR, bool(has_totp))


@functools.cache
def _authorization_sql() -> tuple[str, str]:
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    through = get_user_model().groups.through
    group_table = through._meta.get_field("group").related_model._meta.db_table
    user_column = through._meta.get_field("user").column
    # Only table and column names from the models are interpolated; values are parameters.
    sql = (
        "SELECT coalesce(array_agg(g.name) FILTER (WHERE g.name IS NOT NULL), '{}'),"  # noqa: S608
        f" EXISTS(SELECT 1 FROM {Authenticator._meta.db_table} a WHERE a.user_id = %s AND a.type = %s)"
        f" FROM {through._meta.db_table} ug JOIN {group_table} g ON g.id = ug.group_id"
        f" WHERE ug.{user_column} = %s"
    )
    return sql, Authenticator.Type.TOTP.value


def _has_totp(request, user) -> bool:
    if getattr(request, _HAS_TOTP_ATTR, None) is None:
        from allauth.mfa.models import Authenticator

        setattr(
            request,
            _HAS_TOTP_ATTR,
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        )
    return getattr(request, _HAS_TOTP_ATTR)

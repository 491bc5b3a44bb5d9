import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.users.receivers import LOGOUT_REASON_ATTR

# Paths an official without TOTP may still open: enrolment itself, logout, language switch,
# static assets, health and the public verification pages.
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/language/", "/static/", "/media/", "/health", "/verify/", "/favicon")


# Session keys (epoch seconds): when the person signed in, and when they were last seen.
SESSION_AUTH_AT = "portal_auth_at"
SESSION_SEEN_AT = "portal_seen_at"
# "Last seen" is written at most this often: a session write on every request would cost a database
# write per click; the idle timeout is therefore exact to within this many seconds.
SEEN_RESOLUTION_SECONDS = 60


def session_timeout_reason(request, now: float) -> str:
    """'idle', 'absolute' or '' for an official's session (PORTAL_OFFICIAL_IDLE_MINUTES since the
    last request, PORTAL_OFFICIAL_SESSION_HOURS since sign-in). Marks the session seen."""
    session = request.session
    auth_at = session.get(SESSION_AUTH_AT)
    seen_at = session.get(SESSION_SEEN_AT)
    if auth_at is None:  # a session from before these keys existed: its clock starts now
        session[SESSION_AUTH_AT] = session[SESSION_SEEN_AT] = now
        return ""
    if now - auth_at > settings.PORTAL_OFFICIAL_SESSION_HOURS * 3600:
        return "absolute"
    if seen_at is not None and now - seen_at > settings.PORTAL_OFFICIAL_IDLE_MINUTES * 60:
        return "idle"
    if seen_at is None or now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SESSION_SEEN_AT] = now
    return ""


def mark_session_start(request) -> None:
    """At sign-in (user_logged_in): the absolute and idle clocks start."""
    now = time.time()
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now


class OfficialMFAMiddleware:
    """Officials must enrol TOTP (allauth.mfa) before they reach any page other than enrolment.
    allauth then asks for the code at every login, so an official session is always two-factor.

    An official's session also ends after PORTAL_OFFICIAL_IDLE_MINUTES without a request and after
    PORTAL_OFFICIAL_SESSION_HOURS in all (a working day): a desk left open in a shared office or a
    stolen session cookie does not stay useful. Citizens keep Django's session age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            load_authorization(request, user)
            if user.is_official or user.is_staff:
                reason = session_timeout_reason(request, time.time())
                if reason:
                    return _end_session(request, reason)
            if (
                (user.is_official or user.is_staff)
                and not request.path.startswith(_ALLOWED_PREFIXES)
                and not _has_totp(request, user)
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Cán bộ phải kích hoạt xác thực hai lớp (TOTP) trước khi sử dụng."}, status=403
                    )
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


def _end_session(request, reason: str):
    setattr(request, LOGOUT_REASON_ATTR, reason)  # the sign-out audit row says why
    logout(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.")}, status=403)
    if reason == "idle":
        messages.info(request, _("Phiên đăng nhập đã kết thúc do không hoạt động. Vui lòng đăng nhập lại."))
    else:
        messages.info(request, _("Phiên làm việc đã quá thời gian cho phép trong ngày. Vui lòng đăng nhập lại."))
    next_url = request.get_full_path() if request.method == "GET" else "/"
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


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
        "SELECT coalesce(array_agg(g.name) FILTER (WHERE g.name IS NOT NULL), '{}'),"  # noqa: S608  # nosec B608: names from the models
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

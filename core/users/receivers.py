"""Sign-in events in the audit log: sign-in, failed sign-in (password or second factor), lockout,
sign-out (by the person or by a session timeout) and second factors added, reset or removed; and the
start of an official's session clocks (core.users.middleware) at sign-in.

Receivers of the signals Django, django-axes and allauth.mfa send, so every path that signs someone
in or out (allauth's pages, the admin, a session timeout) is covered without each view remembering."""

from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit.services import audit_record
from core.users.axes import axes_username

LOGOUT_REASON_ATTR = "_portal_logout_reason"


def _account(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(email__iexact=username).first()


@receiver(user_logged_in, dispatch_uid="portal-audit-login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="users.auth.login", obj=user)


@receiver(user_login_failed, dispatch_uid="portal-audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The address typed is kept (whose account was tried matters to an investigation); never the
    # password (Django already masks it in `credentials`).
    username = axes_username(request, credentials)
    account = _account(username)
    audit_record(
        actor=None,
        action="users.auth.login_failed",
        obj=account,
        object_type="users.user",
        actor_label=(username or "?")[:200],
    )


@receiver(user_locked_out, dispatch_uid="portal-audit-lockout")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=None,
        action="users.auth.lockout",
        obj=_account(username),
        object_type="users.user",
        actor_label=(username or "?")[:200],
        after={"ip": ip_address},
    )


@receiver(user_logged_out, dispatch_uid="portal-audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON_ATTR, "") if request is not None else ""
    audit_record(actor=user, action="users.auth.logout", obj=user, after={"reason": reason} if reason else None)


def _authenticator(verb):
    def handler(sender, request, user, authenticator, **kwargs):
        audit_record(
            actor=user,
            action=f"users.mfa.{verb}",
            obj=user,
            after={"type": authenticator.type, "authenticator_id": authenticator.pk},
        )

    return handler


_added = _authenticator("add")
_removed = _authenticator("remove")
_reset = _authenticator("reset")
mfa_signals.authenticator_added.connect(_added, dispatch_uid="portal-audit-mfa-add")
mfa_signals.authenticator_removed.connect(_removed, dispatch_uid="portal-audit-mfa-remove")
mfa_signals.authenticator_reset.connect(_reset, dispatch_uid="portal-audit-mfa-reset")


@receiver(mfa_signals.authentication_failed, dispatch_uid="portal-audit-mfa-failed")
def _second_factor_failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    audit_record(
        actor=None,
        action="users.auth.mfa_failed",
        obj=user,
        actor_label=user.email,
        after={"type": getattr(authenticator, "type", None), "reauthentication": reauthentication},
    )


@receiver(user_logged_in, dispatch_uid="portal-session-clock")
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from core.users.middleware import mark_session_start

        mark_session_start(request)

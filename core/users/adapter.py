"""allauth account adapter: self-registration makes a citizen; the user's language is applied at login."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from core import http
from core.users import services


class PortalSite:
    """What allauth's e-mails call "the site": the portal's name and its public address, not the
    host name of whichever request triggered the mail (without django.contrib.sites, allauth uses
    the request's host, e.g. "127.0.0.1:8765" or a load balancer's name)."""

    @property
    def name(self) -> str:
        return str(gettext("Cổng chuyển đổi số tỉnh Lạng Sơn"))

    @property
    def domain(self) -> str:
        return settings.SITE_URL.rstrip("/")

    def __str__(self) -> str:
        return self.name


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        context = {**context, "current_site": PortalSite()}
        return super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request):
        # allauth's rate limits count per client address: the portal's one reading of it, behind
        # PORTAL_TRUSTED_PROXY_COUNT proxies (core.http), not allauth's own setting.
        return http.client_ip(request) or super().get_client_ip(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password again before a second factor is added or removed. Not for an
        official's first TOTP enrolment right after they typed it to sign in (the portal sends them
        there at once): same session, same minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT), nothing to
        protect yet that the password did not just open. Once a factor exists, changing it asks."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa":
            request = self.request or context.request
            if request is not None and _first_enrolment_after_fresh_login(request):
                return False
        return required

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # The language the visitor was browsing in when they signed up becomes their preference.
            language = translation.get_language() or settings.LANGUAGE_CODE
            services.user_register_citizen(
                user=user, full_name=form.cleaned_data.get("full_name", ""), language=language[:2]
            )
            user.refresh_from_db()
        return user

    def login(self, request, user):
        # Activate the saved language before allauth renders its "signed in" message, so the message
        # is already in the person's language.
        super().login(request, user)
        language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request._portal_login_language = language

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        language = getattr(request, "_portal_login_language", None)
        if language and response is not None:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response, language: str) -> None:
    """The LocaleMiddleware reads the language from this cookie on every request (same attributes as
    Django's own set_language view)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _first_enrolment_after_fresh_login(request) -> bool:
    """The session's password sign-in is recent, and the user had no second factor before it (the
    TOTP device and recovery codes were all created since: enrolment, then its recovery codes)."""
    import datetime

    from allauth.mfa.models import Authenticator

    user = request.user
    if not user.is_authenticated:
        return False
    records = [r for r in get_authentication_records(request, user) if r.get("method") == "password"]
    if not records or time.time() - records[-1]["at"] >= account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    signed_in_at = datetime.datetime.fromtimestamp(records[-1]["at"], tz=datetime.UTC)
    return not Authenticator.objects.filter(user=user, created_at__lt=signed_in_at).exists()

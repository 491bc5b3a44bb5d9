"""allauth account adapter: self-registration makes a citizen; the user's language is applied at login."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from core import http
from core.users import services


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # allauth's rate limits count per client address: the portal's one reading of it, behind
        # PORTAL_TRUSTED_PROXY_COUNT proxies (core.http), not allauth's own setting.
        return http.client_ip(request) or super().get_client_ip(request)

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

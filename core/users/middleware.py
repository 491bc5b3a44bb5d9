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
        if (
            user is not None
            and user.is_authenticated
            and (user.is_official or user.is_staff)
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


def _has_totp(request, user) -> bool:
    cache_key = "_portal_has_totp"
    if getattr(request, cache_key, None) is None:
        from allauth.mfa.models import Authenticator

        setattr(
            request,
            cache_key,
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        )
    return getattr(request, cache_key)

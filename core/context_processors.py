from django.conf import settings

from core.navigation import navigation_for


def portal(request):
    return {
        "portal_nav": navigation_for(getattr(request, "user", None), getattr(request, "path", "")),
        "portal_env": settings.ENV,
    }

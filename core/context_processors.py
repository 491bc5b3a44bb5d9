from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.navigation import navigation_for


def portal(request):
    # Lazy: the menu is built only when a template shows it (error pages, e-mails and JSON-rendering
    # views that use a RequestContext never pay for it), and once per request however often the page
    # reads it (the header and the home page's cards both do).
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {
        "portal_nav": SimpleLazyObject(lambda: navigation_for(user, path)),
        "portal_env": settings.ENV,
    }

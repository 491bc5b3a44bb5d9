from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.navigation import navigation_for, work_navigation_for


def portal(request):
    # Lazy: the menus are built only when a template shows them (error pages, e-mails and
    # JSON-rendering views that use a RequestContext never pay for them), and once per request however
    # often the page reads them (the header and the home page's cards both do).
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {
        "portal_nav": SimpleLazyObject(lambda: navigation_for(user, path)),
        "portal_work_nav": SimpleLazyObject(lambda: work_navigation_for(user, path)),
        "portal_env": settings.ENV,
    }

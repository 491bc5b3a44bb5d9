"""URL configuration: each app mounts its own `urls.py` (pages) and, when it has a REST API, its
`api_urls.py`."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from government.operations_centre.views import moved as operations_centre_moved

PILLARS = ["party", "government", "economy", "society", "border_gate"]
# The pillars that serve a REST API under /api/v1/<pillar>/ (society has none: no empty URLconf).
PILLAR_APIS = ["party", "government", "economy", "border_gate"]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/core/", include("core.api_urls")),
    # The LGSP data services of every pillar under one namespace (core.api_clients, ADR 1601).
    path("api/lgsp/v1/", include("core.api_clients.lgsp_urls")),
    path("api-clients/", include("core.api_clients.urls")),
    path("payments/", include("core.payments.urls")),
    path("verify/", include("core.signing.urls")),
    path("audit/", include("core.audit.urls")),
    # The land data platform (issue 12): a package of the government pillar with its own app label.
    path("dat-dai/", include("government.land.urls")),
    path("api/v1/land/", include("government.land.api_urls")),
    # Documents and direction (issue 16): officials' document books, direction and tasks.
    path("van-ban/", include("government.documents.urls")),
    path("cuoc-hop/", include("government.meetings.urls")),
    # The provincial operations centre (ADR 1002); its old addresses under /government/ioc/ redirect.
    path("government/operations-centre/", include("government.operations_centre.urls")),
    re_path(r"^government/ioc/(?P<rest>.*)$", operations_centre_moved),  # unnamed: not a page of its own
    # Periodic reporting (issue 16): a package of the government pillar, app label `reporting`.
    path("bao-cao/", include("government.reporting.urls")),
    path("", include("core.urls")),
]
if settings.PORTAL_VNEID_DEV_IDP:
    # The local test identity provider standing in for VNeID (never in production: settings).
    urlpatterns.insert(0, path("dev/vneid/", include("core.users.vneid_dev.urls")))
for pillar in PILLARS:
    slug = pillar.replace("_", "-")
    urlpatterns.append(path(f"{slug}/", include(f"{pillar}.urls")))
    if pillar in PILLAR_APIS:
        urlpatterns.append(path(f"api/v1/{slug}/", include(f"{pillar}.api_urls")))

# No URL serves MEDIA_ROOT, in development either: every stored file is private and served by a view
# that checks who asks (core/files.py).

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

"""URL configuration: each app mounts its own `urls.py` (pages) and `api_urls.py` (REST API)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

PILLARS = ["party", "government", "economy", "society", "border_gate"]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/core/", include("core.api_urls")),
    path("payments/", include("core.payments.urls")),
    path("verify/", include("core.signing.urls")),
    path("audit/", include("core.audit.urls")),
    path("", include("core.urls")),
]
for pillar in PILLARS:
    slug = pillar.replace("_", "-")
    urlpatterns += [
        path(f"{slug}/", include(f"{pillar}.urls")),
        path(f"api/v1/{slug}/", include(f"{pillar}.api_urls")),
    ]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

from django.conf import settings
from django.urls import include, path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health_view, name="health"),
    path("", include("core.users.urls")),
]
if not settings.PRODUCTION:
    # The benchmarks' baseline (bench/): an unauthenticated query endpoint has no place in production.
    urlpatterns.insert(2, path("bench/bare/", views.bare_query_view, name="bench-bare"))

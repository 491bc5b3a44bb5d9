from django.urls import include, path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health_view, name="health"),
    path("bench/bare/", views.bare_query_view, name="bench-bare"),
    path("", include("core.users.urls")),
]

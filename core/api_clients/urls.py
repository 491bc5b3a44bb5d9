from django.urls import path

from core.api_clients import views

app_name = "api_clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("calls/", views.call_log, name="calls"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/revoke/", views.client_revoke, name="revoke"),
    path("keys/<int:pk>/rotate/", views.key_rotate, name="key-rotate"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
]

from django.urls import path

from core.signing import views

app_name = "signing"

urlpatterns = [
    path("", views.verify_upload, name="upload"),
    path("ca.pem", views.ca_certificate, name="ca-certificate"),
    path("<str:code>/", views.verify_document, name="verify"),
]

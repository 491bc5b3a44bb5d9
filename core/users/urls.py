from django.urls import path

from core.users import views

app_name = "users"
urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("language/", views.switch_language, name="switch-language"),
]

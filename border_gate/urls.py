from django.urls import path

from border_gate import views

app_name = "border_gate"
urlpatterns = [
    path("", views.index, name="index"),
]

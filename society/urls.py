from django.urls import path

from society import views

app_name = "society"
urlpatterns = [
    path("", views.index, name="index"),
]

from django.urls import path

from government import views

app_name = "government"
urlpatterns = [
    path("", views.index, name="index"),
]

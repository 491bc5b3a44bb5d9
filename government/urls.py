from django.urls import include, path

from government import views

app_name = "government"
urlpatterns = [
    path("", views.index, name="index"),
    # The provincial operations centre (IOC): reads only core's indicators registry.
    path("ioc/", include("government.ioc.urls")),
]

from django.urls import path

from government.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("moi/", views.new, name="new"),
    path("<uuid:uid>/", views.detail, name="detail"),
    path("<uuid:uid>/tai-lieu/<int:file_id>/", views.file, name="file"),
]

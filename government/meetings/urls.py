from django.urls import path

from government.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("moi/", views.new, name="new"),
    path("lich.ics", views.calendar_ics, name="calendar-ics"),
    path("<uuid:uid>/lich.ics", views.meeting_ics, name="ics"),
    path("<uuid:uid>/", views.detail, name="detail"),
    path("<uuid:uid>/tai-lieu/<int:file_id>/", views.file, name="file"),
    path("<uuid:uid>/van-ban/<int:link_id>/", views.linked_file, name="linked-file"),
]

from django.urls import path

from government.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("moi/", views.new, name="new"),
    path("lich.ics", views.calendar_ics, name="calendar-ics"),
    path("lich/dang-ky/", views.calendar_feeds, name="calendar-feeds"),
    # The token in the path: calendar programs (webcal://) keep a URL, not a header. The portal's
    # request log writes it masked (core.middleware).
    path("lich/<str:token>/lich-hop.ics", views.calendar_feed, name="calendar-feed"),
    path("<uuid:uid>/lich.ics", views.meeting_ics, name="ics"),
    path("<uuid:uid>/", views.detail, name="detail"),
    path("<uuid:uid>/tai-lieu/<int:file_id>/", views.file, name="file"),
    path("<uuid:uid>/van-ban/<int:link_id>/", views.linked_file, name="linked-file"),
]

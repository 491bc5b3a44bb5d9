from django.urls import path

from border_gate import apis

app_name = "border_gate-api"
urlpatterns = [
    path("entries/", apis.EntryListApi.as_view(), name="entries"),
    path("entries/<str:code>/", apis.EntryDetailApi.as_view(), name="entry"),
    path("yard-events/", apis.YardEventApi.as_view(), name="yard-events"),
    path("customs-lanes/", apis.CustomsLaneApi.as_view(), name="customs-lanes"),
    path("my/declarations/", apis.MyDeclarationsApi.as_view(), name="my-declarations"),
]

from django.urls import path

from government.land import apis

app_name = "land-api"
urlpatterns = [
    path("parcels/", apis.ParcelBBoxApi.as_view(), name="parcel-list"),
    path("parcels/<str:code>/", apis.ParcelDetailApi.as_view(), name="parcel-detail"),
    path("plan-zones/", apis.PlanZonesAtPointApi.as_view(), name="plan-zones"),
]

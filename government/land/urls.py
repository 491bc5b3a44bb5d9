from django.urls import path

from government.land import views

app_name = "land"
urlpatterns = [
    # Public, no login, no JavaScript needed.
    path("", views.index, name="index"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("thua/<str:code>/", views.parcel, name="parcel"),
    path("thua/<str:code>/phieu.pdf", views.parcel_pdf, name="parcel-pdf"),
    path("tiles/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="tile"),
    path("ban-do/xa.geojson", views.communes_geojson, name="communes"),
    # The land user's error reports.
    path("thua/<str:code>/bao-sai-sot/", views.report_new, name="report-new"),
    path("bao-sai-sot/", views.my_reports, name="my-reports"),
    path("bao-sai-sot/<uuid:uid>/tai-lieu/", views.report_evidence, name="report-evidence"),
    # Land officials.
    path("can-bo/", views.official, name="official"),
    path("can-bo/tim-nguoi-su-dung/", views.owner_search, name="owner-search"),
    path("can-bo/bao-sai-sot/<uuid:uid>/", views.report_detail, name="report-detail"),
    path("can-bo/thua/<str:code>/sua/", views.parcel_edit, name="parcel-edit"),
    path("can-bo/nhap-du-lieu/", views.imports, name="imports"),
    path("can-bo/nhap-du-lieu/<int:pk>/", views.import_detail, name="import-detail"),
    path("thong-ke/", views.statistics, name="statistics"),
]

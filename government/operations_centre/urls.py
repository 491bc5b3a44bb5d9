"""The provincial operations centre, mounted at /government/operations-centre/ (namespace
`operations_centre`). The addresses it had under /government/ioc/ redirect here (lang_son_portal/urls.py)."""

from django.urls import path

from government.operations_centre import views

app_name = "operations_centre"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("commune/<int:code>/", views.dashboard, name="commune"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("export.pdf", views.export_pdf, name="export-pdf"),
    path("commune/<int:code>/export.xlsx", views.export_xlsx, name="commune-export-xlsx"),
    path("commune/<int:code>/export.pdf", views.export_pdf, name="commune-export-pdf"),
    path("communes.geojson", views.communes_geojson, name="geojson"),
    path("map-values/", views.map_values, name="map-values"),
    path("panels/<str:code>/", views.panel, name="panel"),
    path("refresh/<str:indicator_code>/", views.refresh, name="refresh"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run-retry"),
    path("dti/", views.dti, name="dti"),
    path("dti/<int:year>/<str:node_code>/", views.dti_entry, name="dti-entry"),
    # public statistics and open data: no login, no personal data
    path("open-data/", views.public_statistics, name="public"),
    path("open-data/indicators.csv", views.public_csv, name="public-csv"),
    path("open-data/indicators.json", views.public_json, name="public-json"),
]

"""The operations centre, mounted at /government/ioc/ inside the `government` namespace: every name
carries the `ioc-` prefix (government:ioc-dashboard, …)."""

from django.urls import path

from government.ioc import views

urlpatterns = [
    path("", views.dashboard, name="ioc-dashboard"),
    path("commune/<int:code>/", views.dashboard, name="ioc-commune"),
    path("export.xlsx", views.export_xlsx, name="ioc-export-xlsx"),
    path("export.pdf", views.export_pdf, name="ioc-export-pdf"),
    path("commune/<int:code>/export.xlsx", views.export_xlsx, name="ioc-commune-export-xlsx"),
    path("commune/<int:code>/export.pdf", views.export_pdf, name="ioc-commune-export-pdf"),
    path("communes.geojson", views.communes_geojson, name="ioc-geojson"),
    path("map-values/", views.map_values, name="ioc-map-values"),
    path("border-panel/", views.border_panel, name="ioc-border-panel"),
    path("refresh/<str:indicator_code>/", views.refresh, name="ioc-refresh"),
    path("runs/<int:pk>/", views.run_detail, name="ioc-run"),
    path("runs/<int:pk>/retry/", views.run_retry, name="ioc-run-retry"),
    path("dti/", views.dti, name="ioc-dti"),
    path("dti/<int:year>/<str:node_code>/", views.dti_entry, name="ioc-dti-entry"),
    # public statistics and open data: no login, no personal data
    path("open-data/", views.public_statistics, name="ioc-public"),
    path("open-data/indicators.csv", views.public_csv, name="ioc-public-csv"),
    path("open-data/indicators.json", views.public_json, name="ioc-public-json"),
]

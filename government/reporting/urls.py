from django.urls import path

from government.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("ky/<int:period_id>/", views.period_detail, name="period"),
    path("ky/<int:period_id>/nop/", views.report_fill, name="fill"),
    path("ky/<int:period_id>/mo-lai/", views.period_reopen, name="reopen"),
    path("ky/<int:period_id>/xlsx/", views.period_xlsx, name="period-xlsx"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report"),
    path("bao-cao/<int:pk>/duyet/", views.report_accept, name="accept"),
    path("bao-cao/<int:pk>/tra-lai/", views.report_return, name="return"),
    path("bao-cao/<int:pk>/xlsx/", views.report_xlsx, name="report-xlsx"),
]

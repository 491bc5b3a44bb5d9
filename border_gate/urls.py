from django.urls import path

from border_gate import views

app_name = "border_gate"
urlpatterns = [
    path("", views.index, name="index"),
    # public
    path("board/", views.public_board, name="public-board"),
    path("board/<slug:code>/", views.crossing_board, name="crossing-board"),
    path("live.json", views.live_json, name="live-json"),
    path("fees/", views.fee_calculator, name="fee-calculator"),
    path("d/", views.driver_find, name="driver-find"),
    path("d/<str:token>/", views.driver_page, name="driver"),
    path("d/<str:token>/pay/", views.driver_pay, name="driver-pay"),
    # declarants
    path("declarations/", views.my_entries, name="my-entries"),
    path("declarations/new/", views.declare, name="declare"),
    path("declarations/<str:code>/", views.entry_detail, name="entry"),
    path("declarations/<str:code>/correct/", views.entry_correct, name="entry-correct"),
    path("declarations/<str:code>/cancel/", views.entry_cancel, name="entry-cancel"),
    path("declarations/<str:code>/pay/", views.entry_pay, name="entry-pay"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/<int:pk>/staff/", views.enterprise_add_staff, name="enterprise-add-staff"),
    # officers
    path("officer/", views.officer_home, name="officer-home"),
    path("officer/board/", views.officer_board, name="officer-board"),
    path("officer/board/<slug:code>/call/", views.officer_call_next, name="officer-call-next"),
    path("officer/steps/<int:step_id>/", views.officer_step, name="officer-step"),
    path("officer/steps/<int:step_id>/take-next/", views.officer_take_next, name="officer-take-next"),
    path("officer/entries/<str:code>/", views.officer_entry, name="officer-entry"),
    path("officer/entries/<str:code>/take/", views.officer_take, name="officer-take"),
    path("officer/entries/<str:code>/release/", views.officer_release, name="officer-release"),
    path("officer/entries/<str:code>/lane/", views.officer_lane, name="officer-lane"),
    path("officer/entries/<str:code>/decide/", views.officer_decide, name="officer-decide"),
    # reports
    path("reports/", views.reports, name="reports"),
    path("reports/<str:date>.xlsx", views.report_xlsx, name="report-xlsx"),
]

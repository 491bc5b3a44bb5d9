from django.urls import path

from border_gate import views

app_name = "border_gate"
urlpatterns = [
    path("", views.index, name="index"),
    # public
    path("board/", views.public_board, name="public_board"),
    path("board/<slug:code>/", views.crossing_board, name="crossing_board"),
    path("live.json", views.live_json, name="live_json"),
    path("fees/", views.fee_calculator, name="fee_calculator"),
    path("d/", views.driver_find, name="driver_find"),
    path("d/<str:token>/", views.driver_page, name="driver"),
    path("d/<str:token>/pay/", views.driver_pay, name="driver_pay"),
    # declarants
    path("declarations/", views.my_entries, name="my_entries"),
    path("declarations/new/", views.declare, name="declare"),
    path("declarations/<str:code>/", views.entry_detail, name="entry"),
    path("declarations/<str:code>/correct/", views.entry_correct, name="entry_correct"),
    path("declarations/<str:code>/cancel/", views.entry_cancel, name="entry_cancel"),
    path("declarations/<str:code>/pay/", views.entry_pay, name="entry_pay"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/<int:pk>/staff/", views.enterprise_add_staff, name="enterprise_add_staff"),
    # officers
    path("officer/", views.officer_home, name="officer_home"),
    path("officer/board/", views.officer_board, name="officer_board"),
    path("officer/board/<slug:code>/call/", views.officer_call_next, name="officer_call_next"),
    path("officer/steps/<int:step_id>/", views.officer_step, name="officer_step"),
    path("officer/steps/<int:step_id>/take-next/", views.officer_take_next, name="officer_take_next"),
    path("officer/entries/<str:code>/", views.officer_entry, name="officer_entry"),
    path("officer/entries/<str:code>/take/", views.officer_take, name="officer_take"),
    path("officer/entries/<str:code>/release/", views.officer_release, name="officer_release"),
    path("officer/entries/<str:code>/lane/", views.officer_lane, name="officer_lane"),
    path("officer/entries/<str:code>/decide/", views.officer_decide, name="officer_decide"),
    # reports
    path("reports/", views.reports, name="reports"),
    path("reports/<str:date>.xlsx", views.report_xlsx, name="report_xlsx"),
]

from django.urls import path

from core.payments import views

app_name = "payments"

urlpatterns = [
    path("p/<str:token>/", views.payment_detail, name="detail"),
    path("p/<str:token>/sandbox/", views.sandbox_pay, name="sandbox-pay"),
    path("p/<str:token>/receipt.pdf", views.receipt, name="receipt"),
    path("callback/<slug:provider>/", views.callback, name="callback"),
    path("refunds/", views.refund_list, name="refunds"),
    path("refunds/<int:pk>/refunded/", views.refund_done, name="refund-done"),
]

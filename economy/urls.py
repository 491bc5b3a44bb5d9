from django.urls import path

from economy import views

app_name = "economy"
urlpatterns = [
    path("", views.index, name="index"),
    path("shops/", views.shops, name="shops"),
    path("shops/new/", views.shop_register, name="shop-register"),
    path("shops/<int:pk>/close/", views.shop_close, name="shop-close"),
    path("communes/", views.communes, name="communes"),
    path("households/", views.households, name="households"),
    path("households/new/", views.household_new, name="household-new"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("epayment-use/import/", views.epayment_use_import, name="epayment-use-import"),
    path("products/", views.products, name="products"),
    path("shops/sales/import/", views.sales_import, name="sales-import"),
    path("my-shops/", views.my_shops, name="my-shops"),
    path("my-shops/<int:pk>/sales/", views.shop_sales, name="shop-sales"),
    path("soft-atm/", views.agents, name="agents"),
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/pay/<str:token>/", views.wallet_pay, name="wallet-pay"),
    path("counter/", views.counter, name="counter"),
    path("counter/cash-out/<int:pk>/", views.counter_confirm, name="counter-confirm"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/reconciliation/<int:pk>/", views.reconciliation_resolve, name="reconciliation-resolve"),
    path("supervision/transactions/", views.supervision_transactions, name="supervision-transactions"),
    path("supervision/transactions/<int:pk>/reverse/", views.transaction_reverse, name="transaction-reverse"),
]

from django.urls import path

from economy import apis

app_name = "economy-api"
urlpatterns = [
    path("agents/", apis.AgentListApi.as_view(), name="agent-list"),
    path("products/", apis.ProductListApi.as_view(), name="product-list"),
    path("wallet/", apis.WalletApi.as_view(), name="wallet"),
    path("wallet/transfers/", apis.WalletTransferApi.as_view(), name="wallet-transfer"),
    path("shops/<int:pk>/sales/", apis.ShopSalesApi.as_view(), name="shop-sales"),
    path("communes/", apis.CommuneFiguresApi.as_view(), name="commune-figures"),
    path("epayment-use/", apis.EpaymentUseReportApi.as_view(), name="epayment-use-report"),
    path("transactions/<int:pk>/reverse/", apis.TransactionReverseApi.as_view(), name="transaction-reverse"),
]

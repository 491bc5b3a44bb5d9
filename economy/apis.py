"""The digital economy API (`/api/v1/economy/`, documented in the OpenAPI schema): the public agent
points and product directory; a customer's wallet, its history and transfers; a shop's monthly
sales entered by its owner or the commune; the honest household shares per commune for officials;
reversals by the bank's supervisor.

Thin over the services: every write goes through the same service as the pages (so the same rules,
idempotency keys and audit), refusals come back from `core.api.exception_handler` as field errors
(400, 403, 409). Money operations take an `idempotency_key`: a retry with the same key returns the
first result (200 instead of 201), the same key with other content is refused (409)."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PortalJSONParser, PortalPagination
from core.api_clients.api import ClientAPIView
from core.permissions import user_has_role
from economy import selectors
from economy.data_services import SERVICE_EPAYMENT_USE
from economy.models import EpaymentProviderClient
from economy.permissions import VIEW_ROLES
from economy.services import agents as agent_service
from economy.services import households as household_service
from economy.services import shops as shop_service
from economy.services import wallets as wallet_service

TAGS = ["economy"]


class _Public(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no session, no CSRF


class CommuneQuery(serializers.Serializer):
    commune = serializers.IntegerField(required=False, min_value=1, max_value=99_999, help_text="mã xã (2025)")


# --- public -----------------------------------------------------------------------------------


class AgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    commune_code = serializers.IntegerField(source="commune.code")
    commune = serializers.CharField(source="commune.name")
    address = serializers.CharField()
    bank = serializers.CharField()
    opens_at = serializers.TimeField()
    closes_at = serializers.TimeField()
    longitude = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    can_pay_out = serializers.BooleanField(help_text="mở cửa lúc này và đủ tiền mặt để chi")

    def get_longitude(self, agent) -> float | None:
        return agent.location.x if agent.location else None

    def get_latitude(self, agent) -> float | None:
        return agent.location.y if agent.location else None


def _page_of(name: str, serializer):
    """The limit/offset page these views answer (PortalPagination), documented as it is sent: the
    views paginate by hand, so drf-spectacular cannot infer the envelope from a pagination_class."""
    return inline_serializer(
        name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer(many=True),
        },
    )


@extend_schema(tags=TAGS, parameters=[CommuneQuery], responses=_page_of("PaginatedAgentList", AgentSerializer))
class AgentListApi(_Public):
    """Soft-ATM agent points and whether each can pay out cash now (no amounts)."""

    def get(self, request):
        query = CommuneQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        agents = selectors.agents_public_with_status(commune_code=query.validated_data.get("commune"))
        page = PortalPagination()
        rows = page.paginate_queryset(agents, request, view=self)
        return page.get_paginated_response(AgentSerializer(rows, many=True).data)


class ProductQuery(CommuneQuery):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="có dấu hoặc không dấu")
    specialties = serializers.BooleanField(required=False, default=False)


class ProductSerializer(serializers.Serializer):
    name = serializers.CharField()
    category = serializers.CharField()
    is_local_specialty = serializers.BooleanField()
    shop = serializers.CharField(source="shop.name")
    platform = serializers.CharField(source="shop.platform")
    link = serializers.CharField(source="shop.link")
    commune_code = serializers.IntegerField(source="shop.commune.code")
    commune = serializers.CharField(source="shop.commune.name")


@extend_schema(tags=TAGS, parameters=[ProductQuery], responses=_page_of("PaginatedProductList", ProductSerializer))
class ProductListApi(_Public):
    """Local products of active digital shops, searchable with or without diacritics."""

    def get(self, request):
        query = ProductQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        rows = selectors.product_directory(
            q=v.get("q", ""), commune_code=v.get("commune"), specialties_only=v.get("specialties", False)
        )
        page = PortalPagination()
        return page.get_paginated_response(
            ProductSerializer(page.paginate_queryset(rows, request, view=self), many=True).data
        )


# --- the customer's wallet ---------------------------------------------------------------------


class MovementSerializer(serializers.Serializer):
    reference = serializers.CharField(source="txn.reference")
    at = serializers.DateTimeField(source="txn.created_at")
    kind = serializers.CharField(source="txn.kind")
    description = serializers.CharField(source="txn.description")
    amount = serializers.IntegerField(help_text="VND; âm là tiền ra khỏi ví")
    balance_after = serializers.IntegerField()


WALLET = inline_serializer(
    "EconomyWallet",
    {
        "number": serializers.CharField(),
        "full_name": serializers.CharField(),
        "balance": serializers.IntegerField(),
        "status": serializers.CharField(),
        "history": MovementSerializer(many=True),
    },
)


def _own_wallet(request):
    wallet = selectors.wallet_of(request.user)
    if wallet is None:
        raise NotFound("Bạn chưa có ví điện tử.")
    return wallet


@extend_schema(tags=TAGS, responses={200: WALLET})
class WalletApi(APIView):
    """The signed-in person's wallet: balance and the newest 50 movements."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        wallet = _own_wallet(request)
        return Response(
            {
                "number": wallet.number,
                "full_name": wallet.full_name,
                "balance": wallet.account.balance,
                "status": wallet.status,
                "history": MovementSerializer(selectors.account_history(wallet.account_id, limit=50), many=True).data,
            }
        )


class TransferSerializer(serializers.Serializer):
    to_wallet = serializers.CharField(max_length=20)
    amount = serializers.IntegerField(min_value=1, max_value=10**12, help_text="VND, số nguyên dương")
    idempotency_key = serializers.CharField(max_length=100, help_text="gửi lại đúng khóa này khi thử lại")


TRANSACTION = inline_serializer(
    "EconomyTransaction",
    {
        "reference": serializers.CharField(),
        "kind": serializers.CharField(),
        "amount": serializers.IntegerField(),
        "created_at": serializers.DateTimeField(),
        "replayed": serializers.BooleanField(help_text="true: đã thực hiện trước đó với khóa này"),
    },
)


def _transaction(txn):
    code = status.HTTP_200_OK if getattr(txn, "replayed", False) else status.HTTP_201_CREATED
    body = {
        "reference": txn.reference,
        "kind": txn.kind,
        "amount": txn.amount,
        "created_at": txn.created_at,
        "replayed": bool(getattr(txn, "replayed", False)),
    }
    return Response(body, status=code)


@extend_schema(tags=TAGS, request=TransferSerializer, responses={201: TRANSACTION, 200: TRANSACTION})
class WalletTransferApi(APIView):
    """Transfer from the signed-in person's wallet to another wallet."""

    permission_classes = [IsAuthenticated]
    parser_classes = [PortalJSONParser]

    def post(self, request):
        wallet = _own_wallet(request)
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        txn = wallet_service.wallet_transfer(
            actor=request.user,
            source=wallet,
            to_number=v["to_wallet"],
            amount=v["amount"],
            idempotency_key=f"api:{request.user.pk}:{v['idempotency_key']}",
        )
        return _transaction(txn)


# --- shops' monthly sales ------------------------------------------------------------------------


class SalesSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
    orders = serializers.IntegerField(min_value=0, max_value=10_000_000)
    revenue = serializers.IntegerField(min_value=0, max_value=10**13, help_text="VND")
    source = serializers.CharField(read_only=True)

    def validate_month(self, value) -> dt.date:
        return dt.date(int(value[:4]), int(value[5:7]), 1)


def _shop_for(request, pk: int):
    """A shop the person runs, or one of a commune they may edit (404 for anything else)."""
    from economy.models import DigitalShop
    from economy.permissions import can_edit_commune

    shop = get_object_or_404(DigitalShop.objects.select_related("commune"), pk=pk)
    if shop.owner_id != request.user.pk and not can_edit_commune(request.user, shop.commune):
        raise NotFound
    return shop


@extend_schema(tags=TAGS)
class ShopSalesApi(APIView):
    """A shop's monthly sales: the last 12 months, and entering (or correcting) one month."""

    permission_classes = [IsAuthenticated]
    parser_classes = [PortalJSONParser]

    @extend_schema(responses={200: SalesSerializer(many=True)})
    def get(self, request, pk: int):
        rows = selectors.shop_sales_history(_shop_for(request, pk))
        return Response(
            [
                {"month": r.month.strftime("%Y-%m"), "orders": r.orders, "revenue": r.revenue, "source": r.source}
                for r in rows
            ]
        )

    @extend_schema(request=SalesSerializer, responses={200: SalesSerializer})
    def post(self, request, pk: int):
        shop = _shop_for(request, pk)
        data = SalesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = shop_service.shop_sales_record(
            actor=request.user, shop=shop, month=v["month"], orders=v["orders"], revenue=v["revenue"]
        )
        return Response(
            {"month": row.month.strftime("%Y-%m"), "orders": row.orders, "revenue": row.revenue, "source": row.source}
        )


# --- officials and the bank ----------------------------------------------------------------------


class CommuneFiguresSerializer(serializers.Serializer):
    commune_code = serializers.IntegerField(source="unit.code")
    commune = serializers.CharField(source="unit.name")
    households = serializers.IntegerField(help_text="hộ trong sổ hộ của xã")
    official = serializers.IntegerField(allow_null=True, help_text="số hộ theo thống kê")
    selling = serializers.IntegerField(help_text="hộ có cửa hàng số bán được hàng trong 30 ngày")
    paying = serializers.IntegerField(help_text="hộ có tài khoản thanh toán điện tử có giao dịch trong 30 ngày")
    shop_share = serializers.FloatField(allow_null=True)
    account_share = serializers.FloatField(allow_null=True)
    shops = serializers.IntegerField(help_text="cửa hàng số bán được hàng trong 30 ngày")
    accounts = serializers.IntegerField(help_text="tài khoản có giao dịch trong 30 ngày")
    agents = serializers.IntegerField()


@extend_schema(tags=TAGS, responses=CommuneFiguresSerializer(many=True))
class CommuneFiguresApi(APIView):
    """Per commune the official may see (their own, or all for the province and departments): the
    honest household shares of today."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        if not user_has_role(request.user, *VIEW_ROLES):
            raise PermissionDenied
        rows = selectors.commune_summary(request.user, timezone.localdate())
        return Response(CommuneFiguresSerializer(rows, many=True).data)


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=250)
    idempotency_key = serializers.CharField(max_length=100)


@extend_schema(
    tags=TAGS,
    request=ReverseSerializer,
    responses={201: TRANSACTION, 200: TRANSACTION},
    parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH, description="số của giao dịch (GD…)")],
)
class TransactionReverseApi(APIView):
    """The bank's supervisor reverses an operation with a compensating transaction and a reason."""

    permission_classes = [IsAuthenticated]
    parser_classes = [PortalJSONParser]

    def post(self, request, pk: int):
        supervisor = selectors.supervisor_of(request.user)
        if supervisor is None:
            raise PermissionDenied
        if not selectors.reversible_for(supervisor).filter(pk=pk).exists():
            raise NotFound
        data = ReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        txn = agent_service.transaction_reverse(
            actor=request.user,
            transaction_id=pk,
            reason=v["reason"],
            idempotency_key=f"api:{request.user.pk}:{v['idempotency_key']}",
        )
        return _transaction(txn)


# --- e-payment providers' systems (machine clients, core.api_clients) ------------------------------


class UseRowSerializer(serializers.Serializer):
    account = serializers.CharField(max_length=40, help_text="mã tài khoản của tổ chức cung ứng (như trong tệp CSV)")
    month = serializers.CharField(max_length=7, help_text="tháng: 2026-11 hoặc 11/2026, không sau tháng này")
    transactions = serializers.IntegerField(min_value=0, help_text="số giao dịch của tài khoản trong tháng")


class UseReportSerializer(serializers.Serializer):
    rows = UseRowSerializer(many=True, help_text="tối đa 200.000 dòng; lỗi trả về theo số dòng (từ 1)")


class UseReportResultSerializer(serializers.Serializer):
    provider = serializers.CharField()
    rows = serializers.IntegerField(help_text="số dòng đã ghi (gửi lại cùng báo cáo không thay đổi gì)")


class EpaymentUseReportApi(ClientAPIView):
    """An e-payment provider's system reports how many payments each of its accounts made in a
    month — the machine path of the CSV upload, with the same checks: every bad row listed by its
    number under `rows`, nothing written unless all rows are good, a resend changing nothing. The
    key is bound to one provider (client kind `economy.epayment_provider`): an account code of
    another provider is refused as unknown."""

    service = SERVICE_EPAYMENT_USE
    parser_classes = [PortalJSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="economy_epayment_use_report",
        request=UseReportSerializer,
        responses={200: UseReportResultSerializer},
    )
    def post(self, request):
        binding = EpaymentProviderClient.objects.filter(client=request.auth.client).first()
        if binding is None:
            # A client given this service without a provider (another kind, by mistake) reports nothing.
            raise PermissionDenied(_("Hệ thống kết nối không gắn với tổ chức cung ứng nào."))
        rows = request.data.get("rows") if isinstance(request.data, dict) else None
        if not isinstance(rows, list):
            raise ValidationError({"rows": [_("Gửi danh sách dòng trong trường rows.")]})
        count = household_service.epayment_use_report(
            provider=binding.provider, rows=rows, actor_label=self.key_label()
        )
        return Response({"provider": binding.provider, "rows": count})

"""Machine clients (ADR 1603): one model for every system that calls the portal without a person
behind it — another agency's system over LGSP, a yard operator's, the customs system.

A client belongs to an organisation and is issued by an owning agency, whose administrators
(officials of that agency holding `api_clients.manage_api_clients`) issue, rotate and revoke its
keys. It may use the data services named in `services` (core.api_clients.registry) and sees only
the units (or, through a pillar's binding, the yards...) it is bound to. A client holds one or more
keys: rotation issues a new key while the old one stays valid until its `expires_at` (the overlap),
so the client's system can switch without downtime. Only a SHA-256 of each key is stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    name = models.CharField(_("tên hệ thống"), max_length=200)
    organisation = models.CharField(_("tổ chức"), max_length=200)
    kind = models.CharField(_("loại hệ thống"), max_length=60)
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("cơ quan quản lý"),
        help_text=_("Quản trị viên của cơ quan này cấp, đổi và thu hồi khóa; để trống: chỉ quản trị hệ thống."),
    )
    services = models.JSONField(_("dịch vụ dữ liệu được dùng"), default=list)
    units = models.ManyToManyField(
        "geo.AdministrativeUnit", blank=True, related_name="+", verbose_name=_("đơn vị hành chính được xem")
    )
    # Unit-bound services return nothing to a client with no unit unless it is province-wide: a
    # client fails closed rather than read the whole province by omission.
    all_units = models.BooleanField(_("toàn tỉnh"), default=False)
    rate_limit_per_minute = models.PositiveIntegerField(_("giới hạn lượt gọi mỗi phút"), default=120)
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # The issuing form's hidden token: a double submit finds this client instead of issuing another.
    request_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("hệ thống kết nối")
        ordering = ["organisation", "name", "pk"]
        permissions = [("manage_api_clients", _("Cấp, đổi và thu hồi khóa API của cơ quan mình"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_limit_per_minute__gte=1, rate_limit_per_minute__lte=100_000),
                name="api_client_rate_limit_range",
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.organisation}"

    @property
    def audit_agency_id(self):
        return self.owner_agency_id

    def allows(self, service_code: str) -> bool:
        return self.is_active and service_code in (self.services or [])


class ApiKey(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="keys")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set on the old key when it is rotated: valid until then, so the client can switch over.
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.prefix}…"

    @property
    def audit_agency_id(self):
        return self.client.owner_agency_id

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now) and self.client.is_active

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None or not self.client.is_active:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        if self.expires_at is not None:
            return "expiring"
        return "active"

    # Read by the border gate's code written against its old key model.
    def has_service(self, code: str) -> bool:
        return self.client.allows(code)


class ApiCall(models.Model):
    """One call of a machine client, allowed or refused. Written after the response is rendered
    (core.api_clients.api.ClientAPIView); searched by the owning agency's administrators."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, null=True, blank=True, related_name="calls", verbose_name=_("hệ thống")
    )
    key_prefix = models.CharField(_("khóa"), max_length=12, blank=True)
    service = models.CharField(_("dịch vụ dữ liệu"), max_length=60, blank=True, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.PositiveSmallIntegerField(_("mã trả về"))
    rows = models.PositiveIntegerField(_("số bản ghi"), null=True, blank=True)
    size_bytes = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gọi API")
        verbose_name_plural = _("lượt gọi API")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at"], name="api_call_client_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.service} {self.status}"

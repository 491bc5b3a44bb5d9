"""The land data platform's tables: reference codes, parcels (public attributes), their owners
(personal data, a separate table read only through `selectors.owners_*` by land officials), the
parcel's past versions, plan zones, price zones, the split rule and error reports.

Geometry is stored in VN-2000 / TM-3 Lạng Sơn (`geo.VN2000_SRID`, metres) and transformed to
EPSG:4326 in SQL for the web.
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from government.land.geo import VN2000_SRID


class LandUseCode(models.Model):
    """A land-use type of the official code list (reference data, `reference/land-use-codes.json`)."""

    class Group(models.TextChoices):
        AGRICULTURAL = "NNP", _("Nhóm đất nông nghiệp")
        NON_AGRICULTURAL = "PNN", _("Nhóm đất phi nông nghiệp")
        UNUSED = "CSD", _("Nhóm đất chưa sử dụng")

    code = models.CharField(_("mã"), max_length=8, primary_key=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    group = models.CharField(_("nhóm đất"), max_length=3, choices=Group.choices)
    residential = models.BooleanField(_("đất ở"), default=False)
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("loại đất")
        verbose_name_plural = _("loại đất")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} — {self.name}"


class SplitRule(models.Model):
    """The minimum area (and frontage) of each parcel after a split (Luật Đất đai 2024, Điều 220:
    the provincial People's Committee sets the figures). Reference data, never typed into code."""

    class UnitKind(models.TextChoices):
        WARD = "phuong", _("Phường")
        COMMUNE = "xa", _("Xã")

    land_use = models.ForeignKey(LandUseCode, on_delete=models.PROTECT, related_name="split_rules")
    unit_kind = models.CharField(_("loại đơn vị"), max_length=10, choices=UnitKind.choices)
    min_area_m2 = models.PositiveIntegerField(_("diện tích tối thiểu (m²)"))
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=300)

    class Meta:
        verbose_name = _("quy định tách thửa")
        verbose_name_plural = _("quy định tách thửa")
        constraints = [models.UniqueConstraint(fields=["land_use", "unit_kind"], name="land_split_rule_unique")]


class Parcel(models.Model):
    """A land parcel (thửa đất): public attributes only. Owners are in ParcelOwner."""

    class UseForm(models.TextChoices):
        ALLOCATED_FEE = "giao-co-thu", _("Nhà nước giao đất có thu tiền sử dụng đất")
        ALLOCATED_FREE = "giao-khong-thu", _("Nhà nước giao đất không thu tiền sử dụng đất")
        LEASE_ANNUAL = "thue-hang-nam", _("Thuê đất trả tiền hằng năm")
        LEASE_ONCE = "thue-mot-lan", _("Thuê đất trả tiền một lần")
        RECOGNISED = "cong-nhan", _("Công nhận quyền sử dụng đất")

    code = models.CharField(_("mã thửa"), max_length=24, unique=True)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="parcels", verbose_name=_("xã, phường")
    )
    legacy_commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legacy_parcels",
        verbose_name=_("xã cũ (trước 01/7/2025)"),
    )
    sheet = models.PositiveIntegerField(_("số tờ bản đồ"))
    number = models.PositiveIntegerField(_("số thửa"))
    land_use = models.ForeignKey(
        LandUseCode, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("loại đất")
    )
    area_m2 = models.DecimalField(_("diện tích (m²)"), max_digits=12, decimal_places=1)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    use_form = models.CharField(_("hình thức sử dụng"), max_length=20, choices=UseForm.choices, blank=True)
    use_term = models.CharField(_("thời hạn sử dụng"), max_length=60, blank=True)
    origin = models.CharField(_("nguồn gốc sử dụng"), max_length=255, blank=True)
    geom = models.MultiPolygonField(_("hình thể"), srid=VN2000_SRID)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("thửa đất")
        verbose_name_plural = _("thửa đất")
        constraints = [
            models.UniqueConstraint(fields=["commune", "sheet", "number"], name="land_parcel_unique_sheet_number"),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="land_parcel_area_positive"),
        ]

    def __str__(self):
        return self.code

    @staticmethod
    def make_code(commune_code: int, sheet: int, number: int) -> str:
        """The parcel code: commune code (5 digits), map sheet, parcel number — one rule everywhere."""
        return f"{int(commune_code):05d}-{int(sheet)}-{int(number)}"


class ParcelOwner(models.Model):
    """A land user (người sử dụng đất) of a parcel: personal data. Read only through
    `selectors.owner_search`/`selectors.owners_of` (land officials, audited); never serialised in a
    public page, API, tile, PDF, log line or error message."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="owners")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    id_number = models.CharField(_("số CCCD"), max_length=12, db_index=True)
    address = models.CharField(_("địa chỉ thường trú"), max_length=255, blank=True)
    share = models.CharField(_("hình thức sở hữu"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("người sử dụng đất")
        verbose_name_plural = _("người sử dụng đất")
        indexes = [models.Index(fields=["full_name"], name="land_owner_name_idx")]

    def __str__(self):
        # Never the name: a str() may end up in a log line or an admin message.
        return f"#{self.pk}"


class ParcelVersion(models.Model):
    """A past state of a parcel, written before each named edit (the parcel's history)."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("phiên bản"))
    attributes = models.JSONField(_("thuộc tính"))
    geom = models.MultiPolygonField(_("hình thể"), srid=VN2000_SRID)
    reason = models.CharField(_("lý do thay đổi"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("người sửa")
    )
    changed_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thửa đất")
        verbose_name_plural = _("phiên bản thửa đất")
        ordering = ["parcel", "-version"]
        constraints = [models.UniqueConstraint(fields=["parcel", "version"], name="land_version_unique")]


class PlanZone(models.Model):
    """A land-use plan zone (vùng quy hoạch sử dụng đất) with its approving decision."""

    code = models.CharField(_("mã vùng"), max_length=40, unique=True)
    planned_use = models.ForeignKey(
        LandUseCode, on_delete=models.PROTECT, related_name="plan_zones", verbose_name=_("loại đất quy hoạch")
    )
    plan_period = models.CharField(_("kỳ quy hoạch"), max_length=20)
    decision = models.CharField(_("quyết định phê duyệt"), max_length=200)
    geom = models.MultiPolygonField(_("hình thể"), srid=VN2000_SRID)

    class Meta:
        verbose_name = _("vùng quy hoạch")
        verbose_name_plural = _("vùng quy hoạch")


class PriceZone(models.Model):
    """A zone of the province's land price table (bảng giá đất): position and price per m²."""

    code = models.CharField(_("mã vùng giá"), max_length=40, unique=True)
    land_use = models.ForeignKey(LandUseCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("loại đất"))
    road = models.CharField(_("tuyến đường, khu vực"), max_length=200)
    position = models.PositiveSmallIntegerField(pgettext_lazy("land price zone", "vị trí"))
    price_per_m2 = models.PositiveBigIntegerField(_("giá (đồng/m²)"))
    price_table = models.CharField(_("bảng giá"), max_length=200)
    geom = models.MultiPolygonField(_("hình thể"), srid=VN2000_SRID)

    class Meta:
        verbose_name = _("vùng giá đất")
        verbose_name_plural = _("vùng giá đất")


def _evidence_path(instance, filename):
    return f"land/reports/{instance.uid}/{uuid.uuid4().hex}-{filename[-60:]}"


class ErrorReport(models.Model):
    """A land user's report of an error in the parcel data. Moves only through services:
    submitted → in_review → answered (accepted or rejected)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã gửi")
        IN_REVIEW = "in_review", _("Đang xem xét")
        ACCEPTED = "accepted", _("Đã chấp nhận, dữ liệu được sửa")
        REJECTED = "rejected", _("Không chấp nhận")

    class Field(models.TextChoices):
        LAND_USE = "land_use", _("Loại đất")
        AREA = "area", _("Diện tích")
        GEOMETRY = "geometry", _("Ranh giới, hình thể")
        ADDRESS = "address", _("Địa chỉ")
        OWNER = "owner", _("Người sử dụng đất")
        OTHER = "other", _("Khác")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="error_reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="land_reports")
    field = models.CharField(_("thông tin sai"), max_length=20, choices=Field.choices)
    description = models.TextField(_("mô tả"), max_length=2000)
    evidence = models.FileField(_("tài liệu chứng minh"), upload_to=_evidence_path, max_length=255)
    evidence_name = models.CharField(max_length=120, blank=True)
    client_token = models.UUIDField(null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    answer = models.TextField(_("trả lời"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("báo sai sót dữ liệu đất đai")
        verbose_name_plural = _("báo sai sót dữ liệu đất đai")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "client_token"],
                name="land_report_once_per_token",
                condition=Q(client_token__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.parcel_id}/{self.uid}"


class ParcelTile(models.Model):
    """A rendered vector tile of the parcels at a low zoom (14–15), where one tile holds thousands of
    parcels and rendering costs tens of milliseconds: computed once, served until a parcel inside
    it changes (`tiles.invalidate_*`) or it grows older than `tiles.TILE_CACHE_SECONDS`."""

    z = models.PositiveSmallIntegerField()
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    mvt = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ô bản đồ đã dựng")
        verbose_name_plural = _("ô bản đồ đã dựng")
        constraints = [models.UniqueConstraint(fields=["z", "x", "y"], name="land_tile_unique_zxy")]


def _import_upload_path(instance, filename):
    # Outside MEDIA_ROOT's served tree in spirit: the file holds owners' personal data and is read
    # only by the import task, then deleted (services.parcel_import_run).
    return f"land/imports/{uuid.uuid4().hex}/{filename[-80:]}"


class ParcelImport(models.Model):
    """One run of the cadastral import (a file given on the command line or uploaded by a land
    official), with its progress rows: the worker updates `phase`/`percent`/counters as it goes, the
    officials' progress page reads them. Moves only through services:
    queued → running → done | failed. A run whose process died stays "running" in the row but its
    staging lock is free: `selectors.import_alive` tells, and the next import or
    `manage.py import_parcels --cleanup` marks it failed and drops its staging tables."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi, đã dừng")

    class Phase(models.TextChoices):
        WAITING = "", _("Chưa bắt đầu")
        LOAD = "load", _("Đọc tệp")
        CHECK = "check", _("Kiểm tra từng thửa")
        SAVE = "save", _("Lưu vào cơ sở dữ liệu")
        FINISHED = "finished", _("Kết thúc")

    file_name = models.CharField(_("tệp"), max_length=255)
    upload = models.FileField(upload_to=_import_upload_path, max_length=255, blank=True)
    path = models.CharField(max_length=1000, blank=True)  # a server-side file (management command)
    srs = models.CharField(_("hệ tọa độ của tệp"), max_length=40, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(_("bước"), max_length=10, choices=Phase.choices, default="", blank=True)
    percent = models.FloatField(_("tiến độ (%)"), default=0)
    token = models.CharField(max_length=12, blank=True)  # the staging tables' suffix and lock key
    read = models.PositiveIntegerField(_("đã đọc"), default=0)
    inserted = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    skipped = models.PositiveIntegerField(_("bỏ qua"), default=0)
    truncated = models.BooleanField(_("tệp bị cắt"), default=False)
    problems = models.JSONField(_("thửa bị bỏ qua"), default=list, blank=True)  # [[position, reason], …] ≤ 1,000
    error = models.TextField(_("lỗi"), blank=True)
    phases = models.JSONField(default=dict, blank=True)  # wall seconds of load / check / upsert
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client_token = models.UUIDField(null=True, blank=True)  # the upload form's: a double submit is one run
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu thửa đất")
        verbose_name_plural = _("lần nhập dữ liệu thửa đất")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="land_import_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_token"],
                name="land_import_once_per_token",
                condition=Q(client_token__isnull=False),
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def seconds(self) -> float | None:
        if self.started_at is None:
            return None
        from django.utils import timezone

        return ((self.finished_at or timezone.now()) - self.started_at).total_seconds()

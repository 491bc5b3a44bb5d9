"""What every pillar's indicators share: precomputed snapshots (with history) and the snapshot runs
that compute them. Targets and the DTI self-assessment belong to the operations centre
(government.operations_centre), which reads these snapshots.

Indicators themselves are code (each pillar's `indicators.py`), so rows refer to them by their dotted
`indicator_code`, never by a foreign key: an indicator removed from the code leaves its history intact.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SnapshotRun(models.Model):
    """One run of the snapshot job: every indicator of a frequency for one period (scheduled), or one
    indicator refreshed on demand by an official. Progress is stored step by step, so the run resumes
    where it stopped after a crash (see services.snapshot_run_execute)."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Theo lịch")
        ON_DEMAND = "on_demand", _("Theo yêu cầu")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    ACTIVE = (Status.PENDING, Status.RUNNING)

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    frequency = models.CharField(_("tần suất"), max_length=10)  # hourly | daily
    indicator_code = models.CharField(_("chỉ tiêu"), max_length=100, blank=True)  # blank: every one
    period_start = models.DateTimeField(_("từ"))
    period_end = models.DateTimeField(_("đến"))
    provisional = models.BooleanField(_("số liệu tạm tính"), default=False)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_steps = models.PositiveIntegerField(_("tổng số bước"), default=0)
    completed_steps = models.PositiveIntegerField(_("số bước đã xong"), default=0)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("cập nhật cuối"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt tính chỉ tiêu")
        verbose_name_plural = _("lượt tính chỉ tiêu")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Beat may fire twice (or two beat processes run): one scheduled run per period.
            models.UniqueConstraint(
                fields=["frequency", "period_end"],
                condition=Q(kind="scheduled"),
                name="indicators_run_one_scheduled_per_period",
            ),
            # A double click on "refresh" joins the run already under way.
            models.UniqueConstraint(
                fields=["indicator_code"],
                condition=Q(kind="on_demand", status__in=["pending", "running"]),
                name="indicators_run_one_active_refresh",
            ),
            models.CheckConstraint(
                condition=Q(completed_steps__lte=F("total_steps")), name="indicators_run_progress_bounded"
            ),
            models.CheckConstraint(condition=Q(period_start__lt=F("period_end")), name="indicators_run_period"),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        what = self.indicator_code or self.frequency
        return f"{self.get_kind_display()} {what} → {self.period_end:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if not self.total_steps:
            return 100 if self.status == self.Status.DONE else 0
        return int(100 * self.completed_steps / self.total_steps)


class IndicatorSnapshot(models.Model):
    """The value of one indicator for one period, for the province (commune_code NULL) or one commune.
    Written only by the snapshot job; one row per (indicator, period end, commune), so recomputing a
    period overwrites it and history accumulates one point per period."""

    indicator_code = models.CharField(_("mã chỉ tiêu"), max_length=100)
    period_start = models.DateTimeField(_("từ"))
    period_end = models.DateTimeField(_("đến"))
    commune_code = models.PositiveIntegerField(_("mã xã"), null=True, blank=True)
    value = models.FloatField(_("giá trị"), null=True, blank=True)
    provisional = models.BooleanField(_("tạm tính"), default=False)
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)
    run = models.ForeignKey(SnapshotRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        ordering = ["indicator_code", "-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "period_end", "commune_code"],
                nulls_distinct=False,
                name="indicators_snapshot_unique_point",
            ),
        ]
        indexes = [
            # The dashboard's tiles and sparklines: province rows of one indicator, newest first.
            models.Index(
                fields=["indicator_code", "-period_end"],
                condition=Q(commune_code__isnull=True),
                name="indicators_snap_province_idx",
            ),
            # The commune page: one commune's history of one indicator.
            models.Index(
                fields=["indicator_code", "commune_code", "-period_end"],
                condition=Q(commune_code__isnull=False),
                name="indicators_snap_commune_idx",
            ),
            # The map: the newest period end that has commune rows (then the unique index finds the 65).
            models.Index(
                fields=["indicator_code", "-period_end"],
                condition=Q(commune_code__isnull=False),
                name="indicators_snap_communes_idx",
            ),
        ]

    def __str__(self):
        where = self.commune_code or "tỉnh"
        return f"{self.indicator_code} [{where}] {self.period_end:%Y-%m-%d %H:%M} = {self.value}"

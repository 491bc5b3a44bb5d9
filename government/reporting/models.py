"""Periodic reporting (ADR 1602).

A `ReportForm` is data: its `ReportIndicator` rows say what each unit reports (type, unit,
validation). A form has `ReportPeriod`s (a month, a quarter or a year) with a deadline; after the
deadline the period is locked (submissions refused) until the province reopens it with a reason,
for a limited time. Each expected unit (a commune's People's Committee, a department) files one
`Report` per period: draft → submitted → accepted, or returned for correction and submitted again.
The province's figures (`ProvinceAggregate`) are computed from the accepted reports by a Celery job."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")


class ReportForm(models.Model):
    class Submitters(models.TextChoices):
        COMMUNES = "communes", _("UBND các xã, phường")
        DEPARTMENTS = "departments", _("Các sở, ngành")

    code = models.SlugField(_("mã biểu mẫu"), max_length=60, unique=True)
    title = models.CharField(_("tên báo cáo"), max_length=300)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    frequency = models.CharField(_("kỳ báo cáo"), max_length=10, choices=Frequency.choices)
    submitters = models.CharField(_("đơn vị báo cáo"), max_length=12, choices=Submitters.choices)
    # The agency that collects and reviews the form (e.g. the Department of Home Affairs).
    owner_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="report_forms", verbose_name=_("cơ quan tổng hợp")
    )
    due_days = models.PositiveSmallIntegerField(
        _("hạn nộp (ngày sau cuối kỳ)"), default=5, help_text=_("Số ngày sau ngày cuối kỳ mà đơn vị phải nộp.")
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    reference_version = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("biểu mẫu báo cáo")
        verbose_name_plural = _("biểu mẫu báo cáo")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def audit_agency_id(self):
        return self.owner_agency_id


class ReportIndicator(models.Model):
    class Kind(models.TextChoices):
        INTEGER = "integer", _("Số nguyên")
        DECIMAL = "decimal", _("Số thập phân")
        PERCENT = "percent", _("Tỷ lệ %")
        TEXT = "text", _("Văn bản tự do")
        CHOICE = "choice", _("Lựa chọn")

    class Aggregate(models.TextChoices):
        SUM = "sum", _("Cộng")
        AVERAGE = "avg", _("Trung bình")
        NONE = "none", _("Không tổng hợp")

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("mã chỉ tiêu"), max_length=60)
    label = models.CharField(_("chỉ tiêu"), max_length=300)
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    kind = models.CharField(_("kiểu dữ liệu"), max_length=10, choices=Kind.choices)
    required = models.BooleanField(_("bắt buộc"), default=True)
    min_value = models.DecimalField(_("giá trị nhỏ nhất"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("giá trị lớn nhất"), max_digits=20, decimal_places=4, null=True, blank=True)
    choices = models.JSONField(_("các lựa chọn"), default=list, blank=True)
    help_text = models.CharField(_("hướng dẫn"), max_length=300, blank=True)
    aggregate = models.CharField(_("cách tổng hợp"), max_length=5, choices=Aggregate.choices, default=Aggregate.SUM)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu báo cáo")
        verbose_name_plural = _("chỉ tiêu báo cáo")
        ordering = ["form", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="report_indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="report_indicator_min_le_max",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def numeric(self) -> bool:
        return self.kind in (self.Kind.INTEGER, self.Kind.DECIMAL, self.Kind.PERCENT)


class ReportPeriod(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("năm"))
    # Month 1–12, quarter 1–4, or 1 for a yearly form.
    number = models.PositiveSmallIntegerField(_("kỳ"))
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến hết ngày"))
    # Submissions are accepted until this instant (end of the due day, Asia/Ho_Chi_Minh).
    deadline = models.DateTimeField(_("hạn nộp"))
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    # Set when the province reopens a locked period: submissions accepted again until then.
    reopened_until = models.DateTimeField(_("mở lại đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["form", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "year", "number"], name="report_period_unique"),
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="report_period_dates"),
        ]

    def __str__(self):
        return f"{self.form} — {self.label}"

    @property
    def audit_agency_id(self):
        return self.form.owner_agency_id

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        if self.form.frequency == Frequency.MONTHLY:
            return gettext("Tháng %(n)s/%(y)s") % {"n": self.number, "y": self.year}
        if self.form.frequency == Frequency.QUARTERLY:
            return gettext("Quý %(n)s/%(y)s") % {"n": self.number, "y": self.year}
        return gettext("Năm %(y)s") % {"y": self.year}

    def is_open(self, now=None) -> bool:
        """Submissions are accepted before the deadline, and while a reopening lasts. The one rule
        (the lock task only records when it happened)."""
        now = now or timezone.now()
        return now < self.deadline or (self.reopened_until is not None and now < self.reopened_until)


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã nộp, chờ duyệt")
        RETURNED = "returned", _("Bị trả lại để sửa")
        ACCEPTED = "accepted", _("Đã duyệt")

    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT, related_name="reports")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="period_reports", verbose_name=_("đơn vị báo cáo")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    values = models.JSONField(_("số liệu"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    version = models.PositiveIntegerField(default=0)
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # On time: first submitted before the deadline (a return for correction does not make it late).
    on_time = models.BooleanField(_("đúng hạn"), null=True)
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["period", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["period", "agency"], name="report_one_per_unit_and_period")]

    def __str__(self):
        return f"{self.period} — {self.agency}"


class ProvinceAggregate(models.Model):
    """The province's figures of one period, from the accepted reports (tasks.aggregate_period)."""

    period = models.OneToOneField(ReportPeriod, on_delete=models.CASCADE, related_name="aggregate")
    values = models.JSONField(_("số liệu tổng hợp"), default=dict)
    reports_accepted = models.PositiveIntegerField(_("số báo cáo đã duyệt"), default=0)
    reports_expected = models.PositiveIntegerField(_("số đơn vị phải báo cáo"), default=0)
    computed_at = models.DateTimeField(_("tính lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("số liệu tổng hợp toàn tỉnh")
        verbose_name_plural = _("số liệu tổng hợp toàn tỉnh")

    def __str__(self):
        return str(self.period)

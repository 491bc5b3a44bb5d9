"""What the operations centre stores beside the snapshots every pillar shares (core.indicators):
targets per indicator and year, and the DTI self-assessment.

Indicators themselves are code (each pillar's `indicators.py`), so rows refer to them by their dotted
`indicator_code`, never by a foreign key: an indicator removed from the code leaves its history intact.
The tables were created as core.indicators' (`indicators_*`); migration 0001 took them over without
touching the data and 0002 renamed them (ADR 1002).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.files import random_file_name


class IndicatorTarget(models.Model):
    """A target for one indicator in one year (Resolution 49-NQ/TU to 2025, orientation to 2030).

    The status (met / on track / behind) is computed against the line from the baseline to the
    target: see government.operations_centre.targets."""

    indicator_code = models.CharField(_("mã chỉ tiêu"), max_length=100, db_index=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    target_value = models.FloatField(_("giá trị mục tiêu"))
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"), null=True, blank=True)
    baseline_value = models.FloatField(_("giá trị năm gốc"), null=True, blank=True)
    source = models.CharField(_("căn cứ"), max_length=200)
    note = models.TextField(_("ghi chú"), blank=True)
    # The reference file version that wrote the row; blank when an administrator entered it by hand,
    # so the loader never overwrites a hand-edited target.
    reference_version = models.CharField(_("phiên bản dữ liệu tham chiếu"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("mục tiêu chỉ tiêu")
        verbose_name_plural = _("mục tiêu chỉ tiêu")
        ordering = ["indicator_code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_code", "year"], name="indicators_target_unique_year"),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True) | Q(baseline_year__lt=F("year")),
                name="indicators_target_baseline_before_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator_code} {self.year}: {self.target_value:g}"


# --- DTI self-assessment -------------------------------------------------------------------------------


class DtiFramework(models.Model):
    """A version of the provincial DTI framework (1726/922/405), loaded from a versioned reference
    file in government/operations_centre/reference/."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    decision = models.CharField(_("văn bản ban hành"), max_length=120)
    name = models.CharField(_("tên"), max_length=200)
    issued_on = models.DateField(_("ngày ban hành"))
    max_points = models.FloatField(_("tổng điểm tối đa"))
    is_current = models.BooleanField(_("đang áp dụng"), default=False)
    reference_version = models.CharField(_("phiên bản dữ liệu"), max_length=40)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ chỉ số DTI")
        verbose_name_plural = _("bộ chỉ số DTI")
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="dti_one_current"),
        ]

    def __str__(self):
        return f"{self.decision} — {self.name}"


class DtiNode(models.Model):
    """A group, main indicator or sub-indicator of a DTI framework. Sub-indicators carry the points;
    a group's or main indicator's maximum is the sum of its children's."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Nhóm chỉ số")
        MAIN = "main", _("Chỉ số chính")
        SUB = "sub", _("Chỉ số thành phần")

    class Pillar(models.TextChoices):
        FOUNDATION = "", _("Nền tảng chung")
        GOVERNMENT = "cqs", _("Chính quyền số")
        ECONOMY = "kts", _("Kinh tế số")
        SOCIETY = "xhs", _("Xã hội số")

    class Method(models.TextChoices):
        SELF_REPORT = "self_report", _("Tự đánh giá, có minh chứng")
        AUTOMATIC = "automatic", _("Đo tự động")
        SURVEY = "survey", _("Thống kê, điều tra")

    class Formula(models.TextChoices):
        RATIO = "ratio", _("Tỷ lệ so với mức đạt điểm tối đa")
        BOOLEAN = "boolean", _("Có / không")
        TIERED = "tiered", _("Theo mức (0, ½, 1)")

    framework = models.ForeignKey(DtiFramework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    kind = models.CharField(_("cấp"), max_length=5, choices=Kind.choices)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=300)
    pillar = models.CharField(_("trụ cột"), max_length=3, choices=Pillar.choices, blank=True)
    max_points = models.FloatField(_("điểm tối đa"), default=0)
    method = models.CharField(_("phương pháp"), max_length=12, choices=Method.choices, blank=True)
    formula = models.CharField(_("cách tính"), max_length=8, choices=Formula.choices, blank=True)
    # For a ratio: the value that earns full points (100 for a percentage; 5 members per 100 people).
    full_score_at = models.FloatField(_("mức đạt điểm tối đa"), null=True, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=30, blank=True)
    # The portal indicator whose province snapshot feeds this sub-indicator automatically, if any.
    portal_indicator_code = models.CharField(_("chỉ tiêu của cổng"), max_length=100, blank=True)
    evidence_status = models.CharField(_("mức xác thực nguồn"), max_length=4, blank=True)  # F | F3 | I
    source_note = models.TextField(_("nguồn"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ số DTI")
        verbose_name_plural = _("chỉ số DTI")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dti_node_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="dti_node_points_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class DtiAssessment(models.Model):
    """The province's self-assessment for one year under one framework."""

    framework = models.ForeignKey(DtiFramework, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kỳ tự đánh giá DTI")
        verbose_name_plural = _("kỳ tự đánh giá DTI")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["framework", "year"], name="dti_assessment_unique_year")]

    def __str__(self):
        return f"DTI {self.year} ({self.framework.code})"


def _evidence_path(instance, filename):
    return f"dti/evidence/{instance.assessment.year}/{instance.node.code}/{random_file_name(filename)}"


class DtiEntry(models.Model):
    """A value entered by an authorised official for one sub-indicator, with its evidence. Entries are
    never edited: a correction is a new entry, and the newest one counts (the history stays)."""

    assessment = models.ForeignKey(DtiAssessment, on_delete=models.CASCADE, related_name="entries")
    node = models.ForeignKey(DtiNode, on_delete=models.PROTECT, related_name="entries")
    value = models.FloatField(_("giá trị"))
    evidence_file = models.FileField(_("tệp minh chứng"), upload_to=_evidence_path, blank=True)
    evidence_url = models.URLField(_("đường dẫn minh chứng"), blank=True)
    note = models.TextField(_("ghi chú (số hiệu, ngày, trích yếu văn bản)"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("số liệu tự đánh giá DTI")
        verbose_name_plural = _("số liệu tự đánh giá DTI")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="dti_entry_value_positive"),
            models.CheckConstraint(condition=~Q(evidence_file="") | ~Q(evidence_url=""), name="dti_entry_has_evidence"),
        ]
        indexes = [models.Index(fields=["assessment", "node", "-entered_at"])]

    def __str__(self):
        return f"{self.node.code} = {self.value:g}"

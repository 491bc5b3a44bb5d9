"""The party agencies pillar: party documents (resolutions, directives, plans) and the key tasks of
Resolution 49-NQ/TU on digital transformation, with owners, deadlines and reported progress."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PartyDocument(models.Model):
    class Kind(models.TextChoices):
        RESOLUTION = "nghi_quyet", _("Nghị quyết")
        DIRECTIVE = "chi_thi", _("Chỉ thị")
        CONCLUSION = "ket_luan", _("Kết luận")
        PLAN = "ke_hoach", _("Kế hoạch")
        PROGRAMME = "chuong_trinh", _("Chương trình")

    number = models.CharField(_("số, ký hiệu"), max_length=40, unique=True)
    kind = models.CharField(_("loại văn bản"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("trích yếu"), max_length=300)
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, verbose_name=_("cơ quan ban hành"))
    # Issued electronically with a digital signature (party agencies' document system), not on paper.
    is_digital = models.BooleanField(_("ban hành điện tử, ký số"), default=True)
    summary = models.TextField(_("tóm tắt"), blank=True)

    class Meta:
        verbose_name = _("văn bản Đảng")
        verbose_name_plural = _("văn bản Đảng")
        ordering = ["-issued_on", "number"]

    def __str__(self):
        return f"{self.number} — {self.title}"


class KeyTask(models.Model):
    """A key task of a resolution. Moves only through party.services (not_started → in_progress →
    done, done → in_progress when reopened), each change recorded as a KeyTaskUpdate and audited."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")

    document = models.ForeignKey(PartyDocument, on_delete=models.PROTECT, related_name="tasks")
    code = models.CharField(_("mã nhiệm vụ"), max_length=20)
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    owner = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan chủ trì")
    )
    start_on = models.DateField(_("bắt đầu"))
    deadline = models.DateField(_("hạn hoàn thành"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ trọng tâm")
        verbose_name_plural = _("nhiệm vụ trọng tâm")
        ordering = ["deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="party_task_unique_code"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="party_task_progress_le_100"),
            models.CheckConstraint(condition=Q(deadline__gte=F("start_on")), name="party_task_deadline_after_start"),
            models.CheckConstraint(
                condition=(Q(status="done", progress=100, completed_on__isnull=False) | ~Q(status="done"))
                & (Q(status="done") | Q(completed_on__isnull=True)),
                name="party_task_done_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class KeyTaskUpdate(models.Model):
    """A progress report on a key task (history of the task; the indicator reads progress as of a date)."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("ngày báo cáo"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=KeyTask.Status.choices)
    note = models.TextField(_("nội dung báo cáo"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-reported_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="party_update_progress_le_100")]
        indexes = [models.Index(fields=["task", "reported_on"])]

    def __str__(self):
        return f"{self.task.code} {self.reported_on}: {self.progress}%"

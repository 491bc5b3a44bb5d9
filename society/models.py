"""The digital society pillar: schools on the shared digital teaching platform and their signed
digital transcripts (counts per school and school year: the seed's 674 schools, 200,000 students),
community technology teams (1,702 teams, 6,214 members) and their visits to villages."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

COMMUNES_2025 = {"structure": "2025", "level": "commune"}


class School(models.Model):
    class Level(models.TextChoices):
        PRESCHOOL = "mam_non", _("Mầm non")
        PRIMARY = "tieu_hoc", _("Tiểu học")
        LOWER_SECONDARY = "thcs", _("Trung học cơ sở")
        UPPER_SECONDARY = "thpt", _("Trung học phổ thông")
        MULTI_LEVEL = "lien_cap", _("Liên cấp (phổ thông dân tộc nội trú, bán trú)")

    code = models.CharField(_("mã trường"), max_length=20, unique=True)
    name = models.CharField(_("tên trường"), max_length=200)
    level = models.CharField(_("cấp học"), max_length=10, choices=Level.choices)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    teachers = models.PositiveIntegerField(_("số giáo viên"), default=0)
    # Date the school joined the province's shared digital teaching platform; null: not yet.
    on_platform_since = models.DateField(_("tham gia nền tảng dạy học số từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("trường học")
        verbose_name_plural = _("trường học")
        ordering = ["commune__name", "name"]
        indexes = [models.Index(fields=["commune", "on_platform_since"])]

    def __str__(self):
        return self.name


class TranscriptTally(models.Model):
    """Students of a school in a school year, and how many of their transcripts (học bạ số) are signed
    digitally. Counts only: transcripts themselves live in the education platform."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="transcript_tallies")
    school_year = models.PositiveSmallIntegerField(_("năm học (năm bắt đầu)"))  # 2025 = 2025–2026
    students = models.PositiveIntegerField(_("số học sinh"))
    signed = models.PositiveIntegerField(_("học bạ số đã ký"))
    updated_on = models.DateField(_("cập nhật ngày"))

    class Meta:
        verbose_name = _("học bạ số theo trường")
        verbose_name_plural = _("học bạ số theo trường")
        ordering = ["-school_year", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="society_tally_unique_year"),
            models.CheckConstraint(condition=Q(signed__lte=F("students")), name="society_tally_signed_le_students"),
        ]

    def __str__(self):
        return f"{self.school} {self.school_year}: {self.signed}/{self.students}"


class TechTeam(models.Model):
    """A community technology team (tổ công nghệ số cộng đồng) of a village."""

    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    village = models.CharField(_("thôn, khối phố"), max_length=120)
    name = models.CharField(_("tên tổ"), max_length=200)
    members = models.PositiveSmallIntegerField(_("số thành viên"))
    established_on = models.DateField(_("ngày thành lập"))
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("tổ công nghệ số cộng đồng")
        verbose_name_plural = _("tổ công nghệ số cộng đồng")
        ordering = ["commune__name", "village"]
        constraints = [models.CheckConstraint(condition=Q(members__gte=1), name="society_team_has_members")]
        indexes = [models.Index(fields=["commune", "established_on"])]

    def __str__(self):
        return self.name


class TechTeamVisit(models.Model):
    """A team's visit to households: helping with VNeID, online public services, payments, selling
    online, online safety."""

    class Topic(models.TextChoices):
        VNEID = "vneid", _("Định danh điện tử VNeID")
        PUBLIC_SERVICES = "dvc", _("Dịch vụ công trực tuyến")
        PAYMENTS = "payments", _("Thanh toán điện tử")
        ECOMMERCE = "ecommerce", _("Bán hàng trên sàn thương mại điện tử")
        SAFETY = "safety", _("An toàn trên không gian mạng")
        OTHER = "other", _("Khác")

    team = models.ForeignKey(TechTeam, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("ngày"))
    topic = models.CharField(_("nội dung"), max_length=10, choices=Topic.choices)
    households_reached = models.PositiveSmallIntegerField(_("số hộ được hỗ trợ"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buổi hỗ trợ của tổ công nghệ")
        verbose_name_plural = _("buổi hỗ trợ của tổ công nghệ")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "visited_on", "topic"], name="society_visit_unique_per_day_topic")
        ]
        indexes = [models.Index(fields=["visited_on"])]

    def __str__(self):
        return f"{self.team} {self.visited_on}"

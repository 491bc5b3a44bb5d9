"""The digital society pillar: schools on the shared digital teaching platform, their classes,
students, gradebooks and double-signed digital transcripts (the seed's 674 schools, 200,000
students), community technology teams (1,702 teams, 6,214 members) and their visits to villages."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import random_file_name
from core.signing import models as signing_models

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


# --- Schools, classes, students and marks (học bạ số) ------------------------------------------------
# Assessment follows Circular 22/2021/TT-BGDĐT (grades 6–12): scores 0–10 with one decimal, term and
# year averages, learning and conduct results Tốt / Khá / Đạt / Chưa đạt (society/assessment.py).


class SchoolYear(models.Model):
    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu"), unique=True)  # 2025 = 2025–2026

    class Meta:
        verbose_name = _("năm học")
        verbose_name_plural = _("năm học")
        ordering = ["-start_year"]

    def __str__(self):
        return f"{self.start_year}–{self.start_year + 1}"


class SchoolStaff(models.Model):
    """A person's role in one school: what they may see and do there comes from these rows, not from
    the portal-wide roles (a teacher is an ordinary account with a school membership)."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Giáo viên")
        PRINCIPAL = "principal", _("Hiệu trưởng")
        ADMIN = "admin", _("Quản trị nhà trường")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="school_roles")
    role = models.CharField(_("vai trò trong trường"), max_length=10, choices=Role.choices)
    is_active = models.BooleanField(_("đang làm việc"), default=True)

    class Meta:
        verbose_name = _("cán bộ, giáo viên")
        verbose_name_plural = _("cán bộ, giáo viên")
        constraints = [models.UniqueConstraint(fields=["school", "user", "role"], name="society_staff_unique_role")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.school})"


class Subject(models.Model):
    class Assessment(models.TextChoices):
        SCORE = "score", _("Đánh giá bằng điểm số")
        COMMENT = "comment", _("Đánh giá bằng nhận xét")

    code = models.SlugField(_("mã môn"), max_length=30, unique=True)
    name = models.CharField(_("tên môn học"), max_length=120)
    assessment = models.CharField(_("hình thức đánh giá"), max_length=10, choices=Assessment.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("môn học")
        verbose_name_plural = _("môn học")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class SchoolClass(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classes", verbose_name=_("năm học"))
    name = models.CharField(_("tên lớp"), max_length=20)
    grade = models.PositiveSmallIntegerField(_("khối"))
    homeroom_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="homeroom_classes",
        verbose_name=_("giáo viên chủ nhiệm"),
    )

    class Meta:
        verbose_name = _("lớp học")
        verbose_name_plural = _("lớp học")
        ordering = ["year", "grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "name"], name="society_class_unique_name"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=12), name="society_class_grade_1_12"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Student(models.Model):
    """A student and their identity data: visible only to their current school, themselves and
    their parents or guardians (society.permissions.can_view_student)."""

    class Gender(models.TextChoices):
        MALE = "nam", _("Nam")
        FEMALE = "nu", _("Nữ")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students", verbose_name=_("trường"))
    code = models.CharField(_("mã học sinh"), max_length=20, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    date_of_birth = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, blank=True)
    place_of_birth = models.CharField(_("nơi sinh"), max_length=200, blank=True)
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student_record",
        verbose_name=_("tài khoản học sinh"),
    )
    guardians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="children_records", verbose_name=_("cha mẹ, người giám hộ")
    )

    class Meta:
        verbose_name = _("học sinh")
        verbose_name_plural = _("học sinh")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name

    @property
    def audit_agency_id(self) -> None:
        return None


class Enrollment(models.Model):
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrollments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="enrollments")
    number = models.PositiveSmallIntegerField(_("số thứ tự"), default=0)

    class Meta:
        verbose_name = _("học sinh trong lớp")
        verbose_name_plural = _("học sinh trong lớp")
        ordering = ["number", "student__full_name"]
        constraints = [models.UniqueConstraint(fields=["student", "school_class"], name="society_enrollment_unique")]

    def __str__(self):
        return f"{self.student} — {self.school_class}"


TERMS = ((1, _("Học kỳ I")), (2, _("Học kỳ II")))


class Gradebook(models.Model):
    """One subject's marks for one class and term (sổ điểm môn học), kept by its subject teacher.
    Open → locked when the teacher finishes; only the school administrator reopens it, with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang nhập điểm")
        LOCKED = "locked", _("Đã khóa")

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="gradebooks")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("môn học"))
    term = models.PositiveSmallIntegerField(_("học kỳ"), choices=TERMS)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gradebooks", verbose_name=_("giáo viên")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("sổ điểm môn học")
        verbose_name_plural = _("sổ điểm môn học")
        ordering = ["school_class", "term", "subject__order"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject", "term"], name="society_gradebook_unique")
        ]

    def __str__(self):
        return f"{self.subject} — {self.school_class} — HK{self.term}"


class Mark(models.Model):
    """One assessment of a student in a gradebook: a regular assessment (tx1–tx4), the mid-term (gk)
    or the end-of-term one (ck); a score 0–10 with one decimal, or Đạt/Chưa đạt for subjects
    assessed by comment. In a primary school (Circular 27) gk/ck hold a level (T/H/C) and kgk/kck
    the periodic tests' scores. Every write after the first is kept in MarkChange."""

    class Component(models.TextChoices):
        TX1 = "tx1", _("ĐĐGtx 1")
        TX2 = "tx2", _("ĐĐGtx 2")
        TX3 = "tx3", _("ĐĐGtx 3")
        TX4 = "tx4", _("ĐĐGtx 4")
        GK = "gk", _("ĐĐGgk")
        CK = "ck", _("ĐĐGck")
        # Primary school (Circular 27): gk/ck hold the mid-term and end-of-term levels, these the
        # periodic tests' scores (whole numbers 1–10).
        KGK = "kgk", _("KTĐK giữa kỳ")
        KCK = "kck", _("KTĐK cuối kỳ")
        # Primary school: the subject teacher's remark (nhận xét) for the term, printed on the
        # transcript for the end of the year.
        NX = "nx", _("Nhận xét")

    class Comment(models.TextChoices):
        PASS = "D", _("Đạt")
        FAIL = "CD", _("Chưa đạt")
        # Primary school levels (Circular 27).
        GOOD = "T", _("Hoàn thành tốt")
        DONE = "H", _("Hoàn thành")
        NOT_DONE = "C", _("Chưa hoàn thành")

    gradebook = models.ForeignKey(Gradebook, on_delete=models.PROTECT, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="marks")
    component = models.CharField(_("cột điểm"), max_length=3, choices=Component.choices)
    score = models.DecimalField(_("điểm số"), max_digits=3, decimal_places=1, null=True, blank=True)
    comment = models.CharField(_("nhận xét"), max_length=2, choices=Comment.choices, blank=True)
    # The written remark of a primary subject (component nx); its length is checked by the service.
    # Empty by default in the database too: rows written without it (bulk loads, an older release
    # during a rolling deploy, the benchmark's baseline tree) stay valid.
    remark = models.CharField(_("lời nhận xét"), max_length=200, blank=True, default="", db_default="")
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("điểm kiểm tra, đánh giá")
        verbose_name_plural = _("điểm kiểm tra, đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["gradebook", "student", "component"], name="society_mark_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10), name="society_mark_score_0_10"
            ),
        ]

    def __str__(self):
        return f"{self.student} {self.component}: {self.score if self.score is not None else self.comment}"


class MarkChange(models.Model):
    """Append-only trail of every mark change after its first entry: who, when, old and new value.
    Shown to the school (society:gradebook-history)."""

    mark = models.ForeignKey(Mark, on_delete=models.PROTECT, related_name="changes")
    gradebook = models.ForeignKey(Gradebook, on_delete=models.PROTECT, related_name="mark_changes")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    component = models.CharField(_("cột điểm"), max_length=3, choices=Mark.Component.choices)
    # Wide enough for a primary subject's written remark (Mark.remark), not only a score.
    old_value = models.CharField(_("giá trị cũ"), max_length=200, blank=True)
    new_value = models.CharField(_("giá trị mới"), max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("lịch sử sửa điểm")
        verbose_name_plural = _("lịch sử sửa điểm")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.component}: {self.old_value} → {self.new_value}"


class BookEvent(models.Model):
    """A lock or a reopening of a book of assessments (a gradebook, a homeroom book), with the reason
    a reopening needs: the same record for both kinds of book."""

    class Action(models.TextChoices):
        LOCK = "lock", _("Hoàn thành, khóa sổ")
        UNLOCK = "unlock", _("Mở khóa")

    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    @staticmethod
    def unlock_needs_reason(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(condition=~Q(action="unlock") | ~Q(reason=""), name=name)


class GradebookEvent(BookEvent):
    gradebook = models.ForeignKey(Gradebook, on_delete=models.PROTECT, related_name="events")

    class Meta(BookEvent.Meta):
        constraints = [BookEvent.unlock_needs_reason("society_gradebook_unlock_has_reason")]

    def __str__(self):
        return f"{self.gradebook} {self.action}"


class Conduct(models.Model):
    """Conduct result (kết quả rèn luyện) of a student for a term (1, 2) or the year (0), set by the
    homeroom teacher."""

    class Level(models.TextChoices):
        GOOD = "T", _("Tốt")
        FAIR = "K", _("Khá")
        PASS = "D", _("Đạt")
        FAIL = "CD", _("Chưa đạt")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="conduct")
    period = models.PositiveSmallIntegerField(_("kỳ"), choices=((0, _("Cả năm")), *TERMS))
    # Blank while only the remark is written (a teacher may write it first).
    level = models.CharField(_("mức"), max_length=2, choices=Level.choices, blank=True)
    # The secondary transcript's "Nhận xét của giáo viên chủ nhiệm" (Circular 22's form), kept on
    # the year's row (period 0). Empty by default in the database too, like Mark.remark: rows
    # written without it (bulk loads, an older release, the benchmark's baseline) stay valid.
    remark = models.CharField(_("nhận xét"), max_length=400, blank=True, default="", db_default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "period"], name="society_conduct_unique")]

    def __str__(self):
        return f"{self.enrollment} {self.period}: {self.level}"


class PrimaryQuality(models.Model):
    """Circular 27 (primary school): one quality or competence of a student at one of the four
    periodic assessments, set by the homeroom teacher: Tốt / Đạt / Cần cố gắng. The period values
    keep their first meaning (1 end of term I, 2 end of year) and the mid-terms came later (3, 4):
    assessment_primary.QUALITY_PERIODS gives their order. The end-of-year ones enter the
    end-of-year result and the primary transcript; the mid-term ones are seen by the school only."""

    class Item(models.TextChoices):
        # The five main qualities (phẩm chất chủ yếu).
        PATRIOTISM = "yeu_nuoc", _("Yêu nước")
        KINDNESS = "nhan_ai", _("Nhân ái")
        DILIGENCE = "cham_chi", _("Chăm chỉ")
        HONESTY = "trung_thuc", _("Trung thực")
        RESPONSIBILITY = "trach_nhiem", _("Trách nhiệm")
        # General competences (năng lực chung).
        SELF_STUDY = "tu_chu_tu_hoc", _("Tự chủ và tự học")
        COMMUNICATION = "giao_tiep_hop_tac", _("Giao tiếp và hợp tác")
        PROBLEM_SOLVING = "gqvd_sang_tao", _("Giải quyết vấn đề và sáng tạo")
        # Specific competences (năng lực đặc thù).
        LANGUAGE = "ngon_ngu", _("Ngôn ngữ")
        NUMERACY = "tinh_toan", _("Tính toán")
        SCIENCE = "khoa_hoc", _("Khoa học")
        TECHNOLOGY = "cong_nghe", _("Công nghệ")
        INFORMATICS = "tin_hoc", _("Tin học")
        AESTHETICS = "tham_mi", _("Thẩm mĩ")
        PHYSICAL = "the_chat", _("Thể chất")

    class Level(models.TextChoices):
        GOOD = "T", _("Tốt")
        PASS = "D", _("Đạt")
        EFFORT = "C", _("Cần cố gắng")

    PERIODS = ((3, _("Giữa học kỳ I")), (1, _("Cuối học kỳ I")), (4, _("Giữa học kỳ II")), (2, _("Cuối năm học")))

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="qualities")
    period = models.PositiveSmallIntegerField(_("kỳ"), choices=PERIODS)
    item = models.CharField(_("phẩm chất, năng lực"), max_length=20, choices=Item.choices)
    # Blank while only the remark is written.
    level = models.CharField(_("mức"), max_length=1, choices=Level.choices, blank=True)
    # The homeroom teacher's remark on this quality or competence: the transcript form's "Nhận
    # xét" column next to the level (printed for the end of the year).
    remark = models.CharField(_("nhận xét"), max_length=200, blank=True, default="", db_default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đánh giá phẩm chất, năng lực")
        verbose_name_plural = _("đánh giá phẩm chất, năng lực")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "period", "item"], name="society_primary_quality_unique"),
            models.CheckConstraint(condition=Q(period__in=(1, 2, 3, 4)), name="society_primary_quality_period"),
        ]

    def __str__(self):
        return f"{self.enrollment} {self.period} {self.item}: {self.level}"


class HomeroomBook(models.Model):
    """What the homeroom teacher assesses for a class at one period, as one book that locks like a
    gradebook: a primary class's qualities and competences with their remarks (periods of
    PrimaryQuality), a secondary class's conduct and the year's remark (periods of Conduct).
    Open (no row, or OPEN) → LOCKED when the homeroom teacher finishes; only the school
    administrator reopens it, with a reason (HomeroomBookEvent)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang đánh giá")
        LOCKED = "locked", _("Đã khóa")

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="homeroom_books")
    period = models.PositiveSmallIntegerField(_("kỳ"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    # A primary book finished before Công nghệ and Tin học joined the specific competences (ADR
    # 1405): it stays complete with the 13 items it was finished with, also after a reopening, so
    # that its students' results and signed transcripts do not change; the two new items may still
    # be entered. Every other book needs all 15.
    legacy_items = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name = _("sổ đánh giá của giáo viên chủ nhiệm")
        verbose_name_plural = _("sổ đánh giá của giáo viên chủ nhiệm")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "period"], name="society_homeroom_book_unique"),
            models.CheckConstraint(condition=Q(period__in=(0, 1, 2, 3, 4)), name="society_homeroom_book_period"),
        ]

    def __str__(self):
        return f"{self.school_class} {self.period}: {self.status}"


class HomeroomBookEvent(BookEvent):
    book = models.ForeignKey(HomeroomBook, on_delete=models.PROTECT, related_name="events")

    class Meta(BookEvent.Meta):
        constraints = [BookEvent.unlock_needs_reason("society_homeroom_unlock_has_reason")]

    def __str__(self):
        return f"{self.book} {self.action}"


class AssessmentChange(models.Model):
    """Append-only trail of the homeroom teacher's assessments after their first entry, like
    MarkChange for marks: a quality's or competence's level or remark (item set), or a conduct
    level or the year's remark (item empty). Shown to the school (society:homeroom-history)."""

    class Field(models.TextChoices):
        LEVEL = "level", _("Mức")
        REMARK = "remark", _("Nhận xét")

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(_("kỳ"))
    item = models.CharField(_("phẩm chất, năng lực"), max_length=20, blank=True)
    field = models.CharField(_("nội dung"), max_length=10, choices=Field.choices)
    old_value = models.CharField(_("giá trị cũ"), max_length=400, blank=True)
    new_value = models.CharField(_("giá trị mới"), max_length=400, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("lịch sử sửa đánh giá của giáo viên chủ nhiệm")
        verbose_name_plural = _("lịch sử sửa đánh giá của giáo viên chủ nhiệm")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["school_class", "period"])]

    def __str__(self):
        return f"{self.item or self.field}: {self.old_value} → {self.new_value}"


class PrimaryAward(models.Model):
    """Circular 27, Art. 15: what the school awards a primary student at the end of the year — the
    title Học sinh Xuất sắc (end-of-year result Hoàn thành xuất sắc) or Học sinh Tiêu biểu hoàn
    thành tốt trong học tập và rèn luyện (Hoàn thành tốt), and other awards (an outstanding
    achievement, a contest). Decided by the principal; printed on the transcript (Khen thưởng)."""

    class Title(models.TextChoices):
        EXCELLENT = "xuat_sac", _("Học sinh Xuất sắc")
        EXEMPLARY = "tieu_bieu", _("Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện")

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="award")
    title = models.CharField(_("danh hiệu"), max_length=10, choices=Title.choices, blank=True)
    other = models.CharField(_("khen thưởng khác"), max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("khen thưởng học sinh tiểu học")
        verbose_name_plural = _("khen thưởng học sinh tiểu học")
        constraints = [
            models.CheckConstraint(condition=~Q(title="") | ~Q(other=""), name="society_primary_award_not_empty")
        ]

    def __str__(self):
        return f"{self.enrollment}: {self.title or self.other}"


# --- Transcripts (học bạ số): generated, signed by the homeroom teacher then the principal ----------


def transcript_upload_to(instance, filename) -> str:
    # A random name: the file is served only through an access-checked view (society:transcript-pdf),
    # never by a guessable URL.
    return f"society/transcripts/{random_file_name(filename, default_ext='pdf')}"


class Transcript(models.Model):
    """A student's transcript for one school year and class. PENDING → HOMEROOM_SIGNED (PDF generated
    and signed by the homeroom teacher) → SIGNED (second signature by the principal). The status,
    changed under a row lock, is what keeps a batch job from signing one transcript twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ giáo viên chủ nhiệm ký")
        HOMEROOM_SIGNED = "homeroom_signed", _("Chờ hiệu trưởng ký")
        SIGNED = "signed", _("Đã ký đủ")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="transcripts")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="transcripts")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="transcripts")  # issuing school
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING)
    verification_code = models.CharField(
        _("mã kiểm tra"), max_length=32, unique=True, default=signing_models.new_verification_code
    )
    file = models.FileField(_("tệp PDF"), upload_to=transcript_upload_to, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(_("kích thước (byte)"), default=0)
    homeroom_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    homeroom_signed_at = models.DateTimeField(null=True, blank=True)
    principal_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    principal_signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("học bạ số")
        verbose_name_plural = _("học bạ số")
        ordering = ["school_class", "student__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["student", "school_class"], name="society_transcript_unique"),
            models.CheckConstraint(
                condition=Q(status="pending") | (~Q(sha256="") & Q(homeroom_signed_at__isnull=False)),
                name="society_transcript_signed_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(principal_signed_at__isnull=False),
                name="society_transcript_principal_signed",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"{self.student} — {self.school_class}"

    def get_verification_url(self) -> str:
        return reverse("society:transcript-verify", kwargs={"code": self.verification_code})

    def get_absolute_verification_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_verification_url()


class TranscriptCopy(models.Model):
    """Every copy of a transcript handed out: each download through the portal and each transfer."""

    class Channel(models.TextChoices):
        DOWNLOAD = "download", _("Tải về")
        TRANSFER = "transfer", _("Chuyển trường")

    transcript = models.ForeignKey(Transcript, on_delete=models.PROTECT, related_name="copies")
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)
    issued_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("bản sao học bạ đã cấp")
        verbose_name_plural = _("bản sao học bạ đã cấp")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.transcript} {self.channel} {self.issued_at:%Y-%m-%d}"


class SigningJob(models.Model):
    """One "sign them all" action: the homeroom teacher signs a class, the principal a class or the
    whole school. Progress is read from the transcripts' own status, so a job that a worker crash
    interrupted resumes where the database says it stopped (society.tasks)."""

    class Kind(models.TextChoices):
        HOMEROOM = "homeroom", _("Giáo viên chủ nhiệm ký")
        PRINCIPAL = "principal", _("Hiệu trưởng ký")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang ký")
        DONE = "done", _("Hoàn thành")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # Time spent per part, summed over the workers (docs/benchmarks.md shows the split).
    pdf_seconds = models.FloatField(default=0)
    sign_seconds = models.FloatField(default=0)
    storage_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class RecordTransfer(models.Model):
    """A student's record moving to another school of the province: SENT by the school they leave,
    RECEIVED by the new one, which then holds the record and its signed transcripts."""

    class Status(models.TextChoices):
        SENT = "sent", _("Đã gửi")
        RECEIVED = "received", _("Đã tiếp nhận")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="transfers")
    from_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="incoming_transfers")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.SENT)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chuyển hồ sơ học sinh")
        verbose_name_plural = _("chuyển hồ sơ học sinh")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(status="sent"), name="society_one_open_transfer_per_student"
            ),
            models.CheckConstraint(condition=~Q(from_school=F("to_school")), name="society_transfer_other_school"),
        ]

    def __str__(self):
        return f"{self.student}: {self.from_school} → {self.to_school}"


# --- Community technology teams in the field -----------------------------------------------------


class TechTeamMember(models.Model):
    """A person in a community technology team: members record their household visits."""

    team = models.ForeignKey(TechTeam, on_delete=models.CASCADE, related_name="member_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tech_teams")
    is_leader = models.BooleanField(_("tổ trưởng"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("thành viên tổ công nghệ")
        verbose_name_plural = _("thành viên tổ công nghệ")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="society_team_member_unique")]

    def __str__(self):
        return f"{self.user} — {self.team}"


class HouseholdVisit(models.Model):
    """One household helped by a team member, recorded on a phone in the field. `submit_token`
    (a hidden field of the form) is unique, so a form submitted twice on a weak connection is
    recorded once."""

    class Help(models.TextChoices):
        VNEID = "vneid", _("Kích hoạt định danh điện tử VNeID")
        PUBLIC_SERVICE = "dvc", _("Nộp hồ sơ dịch vụ công trực tuyến")
        PAYMENT = "payment", _("Thanh toán điện tử")
        ECOMMERCE = "ecommerce", _("Bán hàng trên sàn thương mại điện tử")
        FRAUD = "fraud", _("Phòng chống lừa đảo trên mạng")

    class Outcome(models.TextChoices):
        DONE = "done", _("Đã làm xong")
        PARTLY = "partly", _("Làm được một phần")
        FOLLOW_UP = "follow_up", _("Cần quay lại")

    team = models.ForeignKey(TechTeam, on_delete=models.PROTECT, related_name="household_visits")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    household = models.CharField(_("hộ gia đình"), max_length=150)
    visited_on = models.DateField(_("ngày"))
    help = ArrayField(models.CharField(max_length=10, choices=Help.choices), verbose_name=_("nội dung hỗ trợ"))
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    submit_token = models.UUIDField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lượt hỗ trợ hộ gia đình")
        verbose_name_plural = _("lượt hỗ trợ hộ gia đình")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["team", "visited_on"]), models.Index(fields=["visited_on"])]
        constraints = [models.CheckConstraint(condition=~Q(help=[]), name="society_household_visit_has_help")]

    def __str__(self):
        return f"{self.household} {self.visited_on}"


# --- Broadcasts to citizens ----------------------------------------------------------------------------

BROADCAST_CHANNELS = (
    ("sms", _("SMS")),
    ("zalo", _("Zalo OA")),
    ("email", _("Thư điện tử")),
    ("loudspeaker", _("Loa truyền thanh xã")),
)


class BroadcastTemplate(models.Model):
    """Reusable announcement text with placeholders: {ho_ten} (the recipient's name), {xa} (their
    commune), {ngay} (today's date)."""

    name = models.CharField(_("tên mẫu"), max_length=120, unique=True)
    body = models.TextField(_("nội dung mẫu"))

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Broadcast(models.Model):
    """An announcement to the citizens of chosen communes (or a group of them) through chosen
    channels. DRAFT → SUBMITTED → APPROVED (by a leader: deliveries are created and sent) or
    REJECTED."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Chờ lãnh đạo duyệt")
        APPROVED = "approved", _("Đã duyệt, đang gửi")
        REJECTED = "rejected", _("Không duyệt")

    class Group(models.TextChoices):
        CITIZENS = "citizens", _("Mọi công dân của xã")
        TEAM_MEMBERS = "team_members", _("Thành viên tổ công nghệ số cộng đồng")

    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    template = models.ForeignKey(BroadcastTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    communes = models.ManyToManyField(
        "geo.AdministrativeUnit", limit_choices_to=COMMUNES_2025, related_name="+", verbose_name=_("xã, phường")
    )
    group = models.CharField(_("nhóm người nhận"), max_length=15, choices=Group.choices, default=Group.CITIZENS)
    channels = ArrayField(models.CharField(max_length=12, choices=BROADCAST_CHANNELS), verbose_name=_("kênh"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("ý kiến lãnh đạo"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thông báo đến người dân")
        verbose_name_plural = _("thông báo đến người dân")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(channels=[]), name="society_broadcast_has_channel")]

    def __str__(self):
        return self.title


class BroadcastDelivery(models.Model):
    """One recipient on one channel of a broadcast. The unique constraint makes a second row for
    the same recipient and channel impossible; a worker claims rows with SKIP LOCKED and marks
    them SENDING (committed) before calling the provider, so a row whose worker died mid-send
    becomes UNKNOWN; it is sent again only when the provider says it never got it, or ignores a
    repeated reference (services/broadcasts.py, ADR 1402)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi thất bại")
        UNKNOWN = "unknown", _("Không rõ (gửi bị gián đoạn)")

    broadcast = models.ForeignKey(Broadcast, on_delete=models.PROTECT, related_name="deliveries")
    recipient_key = models.CharField(max_length=40)  # "user:<id>" or "commune:<code>" (loudspeakers)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("kênh"), max_length=12, choices=BROADCAST_CHANNELS)
    address = models.CharField(_("địa chỉ"), max_length=254)
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Hand-overs to the provider so far (services/broadcasts.py: MAX_ATTEMPTS bounds the resends).
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    # Loudspeakers: the commune radio's slot that reads it out (the commune's LoudspeakerSlots).
    scheduled_for = models.DateTimeField(_("phát lúc"), null=True, blank=True)
    # Loudspeakers: the slot the loudspeaker system has confirmed holding the item in; differs from
    # scheduled_for while a change of the commune's times is being passed on (services/loudspeakers.py).
    provider_play_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gửi thông báo")
        verbose_name_plural = _("lượt gửi thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "recipient_key", "channel"], name="society_broadcast_once_per_recipient_channel"
            )
        ]
        indexes = [models.Index(fields=["broadcast", "status"])]

    def __str__(self):
        return f"{self.broadcast} → {self.recipient_key} ({self.channel})"

    # The interface core.notifications backends read (`pk`, `address`, `subject`, `body`, `event`).
    @property
    def subject(self) -> str:
        return self.broadcast.title

    @property
    def event(self) -> str:
        return f"society.broadcast.{self.broadcast_id}"

    @property
    def play_at(self):
        """When a loudspeaker reads it out (None on other channels): read by the loudspeaker backends."""
        return self.scheduled_for


class LoudspeakerSlots(models.Model):
    """A commune's daily loudspeaker broadcast times (local), set by its officials: an approved
    announcement is read out in the commune's next slot (services/broadcasts.py). A commune with
    no row uses services/loudspeakers.py: DEFAULT_LOUDSPEAKER_SLOTS."""

    commune = models.OneToOneField(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        limit_choices_to=COMMUNES_2025,
        related_name="+",
        verbose_name=_("xã, phường"),
    )
    times = ArrayField(models.TimeField(), verbose_name=_("giờ phát"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giờ phát loa truyền thanh xã")
        verbose_name_plural = _("giờ phát loa truyền thanh xã")
        constraints = [models.CheckConstraint(condition=~Q(times=[]), name="society_loudspeaker_has_slot")]

    def __str__(self):
        return f"{self.commune}: {', '.join(t.strftime('%H:%M') for t in self.times)}"

"""Transcripts: generation and the two signatures (homeroom teacher, then principal) as batch jobs,
issued copies, and transfers of a student's record to another school.

Never twice: a worker claims a batch of transcripts with `SELECT … FOR UPDATE SKIP LOCKED`,
checks their status, signs, stores and moves the status on in the same transaction. A worker that
dies mid-way rolls its transaction back (the transcript stays in its old status, a file it may
have written is an unreferenced random name) and the job resumes from what the database says.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit.services import audit_record, audit_record_many
from core.errors import ConflictError, InvalidTransitionError, NotAllowedError, ServiceError
from core.signing.services import SigningError, sign_pdf_bytes, signing_certificate_for
from society import assessment_primary, transcript_pdf
from society.models import (
    Enrollment,
    Gradebook,
    PrimaryQuality,
    RecordTransfer,
    School,
    SchoolClass,
    SchoolStaff,
    SchoolYear,
    SigningJob,
    Student,
    Transcript,
    TranscriptCopy,
)
from society.permissions import is_school_staff
from society.services.awards import award_lines
from society.services.homeroom import printed_book_locked, qualities_missing

logger = logging.getLogger(__name__)

# Workers that claim transcripts of one job in parallel (one per worker process is enough).
PARALLEL = 2
# A job whose workers have not reported for this long is re-enqueued by the beat job.
STALE_AFTER_SECONDS = 120
FLUSH_EVERY = 20
# Transcripts claimed, signed and written per transaction: one UPDATE and one audit INSERT for
# the batch instead of a round of statements and a commit per transcript. A crash loses at most
# this many signatures' work (rolled back, signed again), never signs one twice.
BATCH = 10


def _enqueue(job_id: int, copies: int = PARALLEL) -> None:
    from society.tasks import run_signing_job

    for _i in range(copies):
        try:
            run_signing_job.delay(job_id)
        except Exception:  # the beat job re-enqueues a job the database says is unfinished
            logger.exception("could not enqueue signing job %s", job_id)


def _open_job(**scope) -> SigningJob | None:
    return SigningJob.objects.filter(status__in=[SigningJob.Status.QUEUED, SigningJob.Status.RUNNING], **scope).first()


def transcripts_sign_class_homeroom(*, actor, school_class: SchoolClass) -> SigningJob:
    """The homeroom teacher signs the transcripts of their class: every gradebook of the class must
    be locked. Creates the missing transcripts and a SigningJob run by Celery after commit. Asking
    again while a job for the class runs returns that job (a double submit starts nothing)."""
    with transaction.atomic():
        school_class = SchoolClass.objects.select_for_update().select_related("school", "year").get(pk=school_class.pk)
        if school_class.homeroom_teacher_id != actor.pk or not is_school_staff(
            actor, school_class.school_id, "teacher"
        ):
            raise NotAllowedError(_("Chỉ giáo viên chủ nhiệm của lớp được ký học bạ của lớp."))
        running = _open_job(kind=SigningJob.Kind.HOMEROOM, school_class=school_class)
        if running is not None:
            return running
        books = Gradebook.objects.filter(school_class=school_class)
        if not books.exists():
            raise InvalidTransitionError(_("Lớp chưa có sổ điểm nào."))
        open_books = [str(b) for b in books.filter(status=Gradebook.Status.OPEN).select_related("subject")]
        if open_books:
            raise InvalidTransitionError(
                _("Còn sổ điểm chưa hoàn thành: %(books)s.") % {"books": ", ".join(open_books[:5])}
            )
        if school_class.school.level == School.Level.PRIMARY:
            # The primary transcript prints the end-of-year result, which needs every quality and
            # competence assessed (Circular 27, Art. 9).
            missing = qualities_missing(school_class)
            if missing:
                raise InvalidTransitionError(
                    _("Chưa đánh giá đủ phẩm chất, năng lực cuối năm cho: %(names)s.")
                    % {"names": ", ".join(missing[:10])}
                )
            # Their remarks are printed too: the book is finished (locked) before it is signed.
            if not printed_book_locked(school_class):
                raise InvalidTransitionError(
                    _(
                        "Sổ đánh giá phẩm chất, năng lực cuối năm chưa hoàn thành: "
                        "cần hoàn thành và khóa sổ trước khi ký."
                    )
                )
        Transcript.objects.bulk_create(
            [
                Transcript(student_id=e.student_id, school_class=school_class, school_id=school_class.school_id)
                for e in Enrollment.objects.filter(school_class=school_class)
            ],
            ignore_conflicts=True,
        )
        total = Transcript.objects.filter(school_class=school_class, status=Transcript.Status.PENDING).count()
        if not total:
            raise InvalidTransitionError(_("Không còn học bạ nào chờ giáo viên chủ nhiệm ký."))
        job = SigningJob.objects.create(
            kind=SigningJob.Kind.HOMEROOM,
            school_id=school_class.school_id,
            school_class=school_class,
            year_id=school_class.year_id,
            requested_by=actor,
            total=total,
        )
        audit_record(actor=actor, action="society.signing_job.start", obj=job, after={"kind": job.kind, "total": total})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def transcripts_sign_principal(
    *, actor, school: School, year: SchoolYear, school_class: SchoolClass | None = None
) -> SigningJob:
    """The principal signs, in one action, every transcript of a class (or of the whole school for
    the year) that the homeroom teacher has signed. Same idempotence as the homeroom job."""
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=school.pk)
        if not is_school_staff(actor, school.pk, "principal"):
            raise NotAllowedError(_("Chỉ hiệu trưởng được ký học bạ của trường."))
        if school_class is not None and school_class.school_id != school.pk:
            raise NotAllowedError(_("Lớp không thuộc trường này."))
        running = _open_job(kind=SigningJob.Kind.PRINCIPAL, school=school, year=year, school_class=school_class)
        if running is not None:
            return running
        total = _principal_scope(school.pk, year.pk, getattr(school_class, "pk", None)).count()
        if not total:
            raise InvalidTransitionError(_("Không có học bạ nào chờ hiệu trưởng ký."))
        job = SigningJob.objects.create(
            kind=SigningJob.Kind.PRINCIPAL,
            school=school,
            school_class=school_class,
            year=year,
            requested_by=actor,
            total=total,
        )
        audit_record(actor=actor, action="society.signing_job.start", obj=job, after={"kind": job.kind, "total": total})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _principal_scope(school_id: int, year_id: int, class_id: int | None):
    scope = Transcript.objects.filter(
        school_id=school_id, school_class__year_id=year_id, status=Transcript.Status.HOMEROOM_SIGNED
    )
    return scope.filter(school_class_id=class_id) if class_id else scope


def _todo(job: SigningJob):
    if job.kind == SigningJob.Kind.HOMEROOM:
        return Transcript.objects.filter(school_class_id=job.school_class_id, status=Transcript.Status.PENDING)
    return _principal_scope(job.school_id, job.year_id, job.school_class_id)


def job_progress(job: SigningJob) -> tuple[int, int]:
    """(done, total) read from the transcripts themselves, so it is right after any crash."""
    remaining = _todo(job).count()
    return max(job.total - remaining, 0), job.total


@dataclass
class _Timer:
    pdf: float = 0.0
    sign: float = 0.0
    storage: float = 0.0
    count: int = 0


def _flush(job_id: int, timer: _Timer) -> None:
    if timer.count:
        SigningJob.objects.filter(pk=job_id).update(
            pdf_seconds=F("pdf_seconds") + timer.pdf,
            sign_seconds=F("sign_seconds") + timer.sign,
            storage_seconds=F("storage_seconds") + timer.storage,
            heartbeat_at=timezone.now(),
        )
    timer.pdf = timer.sign = timer.storage = 0.0
    timer.count = 0


class _ClassData:
    """Class results and names computed once per class for a run (not once per student)."""

    def __init__(self):
        self._classes: dict[int, tuple] = {}

    def get(self, school_class_id: int):
        if school_class_id not in self._classes:
            from society.selectors import class_results

            school_class = SchoolClass.objects.select_related(
                "school", "school__commune", "year", "homeroom_teacher"
            ).get(pk=school_class_id)
            principal = (
                SchoolStaff.objects.filter(school_id=school_class.school_id, role="principal", is_active=True)
                .select_related("user")
                .first()
            )
            results = {r.enrollment.student_id: r for r in class_results(school_class)}
            self._classes[school_class_id] = (
                school_class,
                principal.user.get_full_name() if principal else "",
                results,
            )
        return self._classes[school_class_id]


def _render(transcript: Transcript, cache: _ClassData) -> bytes:
    """The transcript's page: Circular 27's content for a primary school, Circular 22's otherwise."""
    school_class, principal_name, results = cache.get(transcript.school_class_id)
    student: Student = transcript.student
    result = results.get(student.pk)
    identity = _identity(transcript, school_class, principal_name)
    if school_class.school.level == School.Level.PRIMARY:
        return transcript_pdf.render_primary_transcript(_primary_data(identity, school_class, result))
    subjects = []
    if result is not None:
        for s in result.subjects:
            subjects.append(transcript_pdf.SubjectLine(name=s.subject.name, term1=s.term1, term2=s.term2, year=s.year))
    data = transcript_pdf.TranscriptData(
        **identity,
        subjects=subjects,
        learning=result.learning if result else {},
        conduct=result.conduct if result else {},
        homeroom_remark=result.year_remark if result else "",
    )
    return transcript_pdf.render_transcript(data)


QUALITY_GROUPS = (
    ("Phẩm chất chủ yếu", assessment_primary.QUALITIES),
    ("Năng lực chung", assessment_primary.GENERAL_COMPETENCES),
    ("Năng lực đặc thù", assessment_primary.SPECIFIC_COMPETENCES),
)


def _primary_data(identity: dict, school_class: SchoolClass, result) -> transcript_pdf.PrimaryTranscriptData:
    # The printed names are the Circular's own words, as every other line of the page.
    with translation.override("vi"):
        names = {item.value: str(item.label) for item in PrimaryQuality.Item}
    year_qualities = result.qualities.get(assessment_primary.END_OF_YEAR, {}) if result else {}
    year_remarks = result.quality_remarks.get(assessment_primary.END_OF_YEAR, {}) if result else {}
    # A book finished with the 13 items before Công nghệ and Tin học were added prints what it
    # was finished with, not two empty rows (ADR 1405).
    printed = set(result.quality_items if result else assessment_primary.QUALITY_ITEMS)
    return transcript_pdf.PrimaryTranscriptData(
        **identity,
        grade=school_class.grade,
        primary_subjects=[
            transcript_pdf.PrimarySubjectLine(
                name=s.subject.name, level=s.year, test=s.test2, tested=s.tested, remark=s.remark
            )
            for s in (result.subjects if result else [])
        ],
        qualities=[
            (
                title,
                [
                    (names[item], year_qualities.get(item), year_remarks.get(item, ""))
                    for item in items
                    if item in printed
                ],
            )
            for title, items in QUALITY_GROUPS
        ],
        year_result=result.learning.get(0) if result else None,
        awards=award_lines(result.award) if result else [],
    )


def _identity(transcript: Transcript, school_class: SchoolClass, principal_name: str) -> dict:
    student: Student = transcript.student
    return {
        "student_name": student.full_name,
        "student_code": student.code,
        "date_of_birth": student.date_of_birth.strftime("%d/%m/%Y"),
        "gender": str(student.get_gender_display()),
        "ethnicity": student.ethnicity,
        "place_of_birth": student.place_of_birth,
        "personal_id": student.personal_id,
        "school_name": school_class.school.name,
        "commune_name": school_class.school.commune.name,
        "class_name": school_class.name,
        "year_label": str(school_class.year),
        "homeroom_name": school_class.homeroom_teacher.get_full_name() if school_class.homeroom_teacher else "",
        "principal_name": principal_name,
        "verification_url": transcript.get_absolute_verification_url(),
        "verification_code": transcript.verification_code,
    }


def signing_job_run(*, job_id: int, limit: int | None = None) -> int:
    """Sign what is left of a job, BATCH transcripts per transaction, until nothing is left (or
    `limit` transcripts were signed by this call). Several calls may run at once (they skip each
    other's locked rows). Returns how many transcripts this call signed."""
    job = SigningJob.objects.select_related("requested_by", "school").get(pk=job_id)
    if job.status == SigningJob.Status.DONE:
        return 0
    SigningJob.objects.filter(pk=job_id, status=SigningJob.Status.QUEUED).update(
        status=SigningJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    certificate = signing_certificate_for(user=job.requested_by, organization=job.school.name)
    cache, timer, failed, signed = _ClassData(), _Timer(), [], 0
    while limit is None or signed < limit:
        size = BATCH if limit is None else min(BATCH, limit - signed)
        with transaction.atomic():
            batch = list(
                _todo(job)
                .exclude(pk__in=failed)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("student")
                .order_by("pk")[:size]
            )
            if not batch:
                break
            done = []
            for transcript in batch:
                try:
                    superseded = _sign_one(job, transcript, certificate, cache, timer)
                except (SigningError, OSError, ValueError) as exc:
                    # Left in its status for a later run; this run moves on.
                    failed.append(transcript.pk)
                    SigningJob.objects.filter(pk=job.pk).update(
                        failed=F("failed") + 1, last_error=f"{transcript.pk}: {type(exc).__name__}"[:300]
                    )
                    logger.exception("transcript %s not signed", transcript.pk)
                    continue
                done.append((transcript, superseded))
            _store(job, done, certificate, timer)
        signed += len(done)
        if timer.count >= FLUSH_EVERY:
            _flush(job.pk, timer)
    _flush(job.pk, timer)
    if not _todo(job).exclude(pk__in=failed).exists() and not failed:
        SigningJob.objects.filter(pk=job.pk).exclude(status=SigningJob.Status.DONE).update(
            status=SigningJob.Status.DONE, finished_at=timezone.now()
        )
    return signed


def _sign_one(job, transcript: Transcript, certificate, cache: _ClassData, timer: _Timer) -> str:
    """Render (homeroom) or read (principal) the PDF, add this signature and write the file under
    a new random name; the row itself is written with its batch by `_store`. Returns the name of
    the file the new one supersedes ("" for none)."""
    now = timezone.now()
    t0 = time.perf_counter()
    if job.kind == SigningJob.Kind.HOMEROOM:
        pdf = _render(transcript, cache)
        reason = "Giáo viên chủ nhiệm ký học bạ"
    else:
        with transcript.file.open("rb") as fh:
            pdf = fh.read()
        reason = "Hiệu trưởng ký học bạ"
    t1 = time.perf_counter()
    signed = sign_pdf_bytes(pdf_bytes=pdf, certificate=certificate, field_name=f"Sig-{job.kind}", reason=reason)
    t2 = time.perf_counter()
    superseded = transcript.file.name if transcript.file else ""
    transcript.file.save("transcript.pdf", ContentFile(signed), save=False)
    transcript.sha256 = hashlib.sha256(signed).hexdigest()
    transcript.size = len(signed)
    if job.kind == SigningJob.Kind.HOMEROOM:
        transcript.status = Transcript.Status.HOMEROOM_SIGNED
        transcript.homeroom_signer, transcript.homeroom_signed_at = job.requested_by, now
    else:
        transcript.status = Transcript.Status.SIGNED
        transcript.principal_signer, transcript.principal_signed_at = job.requested_by, now
    timer.pdf += t1 - t0
    timer.sign += t2 - t1
    timer.storage += time.perf_counter() - t2
    timer.count += 1
    return superseded


def _store(job, done: list[tuple[Transcript, str]], certificate, timer: _Timer) -> None:
    """One UPDATE and one audit INSERT for a batch of signed transcripts, in the claiming
    transaction; the superseded homeroom-only files are removed once it has committed."""
    if not done:
        return
    t0 = time.perf_counter()
    if job.kind == SigningJob.Kind.HOMEROOM:
        fields = ["file", "sha256", "size", "status", "homeroom_signer", "homeroom_signed_at"]
    else:
        fields = ["file", "sha256", "size", "status", "principal_signer", "principal_signed_at"]
    Transcript.objects.bulk_update([transcript for transcript, _old in done], fields)
    audit_record_many(
        [
            {
                "actor": job.requested_by,
                "action": f"society.transcript.sign_{job.kind}",
                "obj": transcript,
                "after": {"sha256": transcript.sha256, "job": job.pk, "certificate": certificate.fingerprint_sha256},
            }
            for transcript, _old in done
        ]
    )
    old_names = [old for _transcript, old in done if old]
    if old_names:
        storage = done[0][0].file.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old_names])
    timer.storage += time.perf_counter() - t0


def signing_jobs_resume() -> int:
    """Beat job: re-enqueue the unfinished jobs nobody has reported on lately (worker crash, lost
    message, Redis restart). Returns how many were re-enqueued."""
    stale = timezone.now() - timezone.timedelta(seconds=STALE_AFTER_SECONDS)
    jobs = list(
        SigningJob.objects.filter(status__in=[SigningJob.Status.QUEUED, SigningJob.Status.RUNNING])
        .filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale))
        .values_list("pk", flat=True)
    )
    for job_id in jobs:
        SigningJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
        _enqueue(job_id)
    return len(jobs)


# --- copies and transfers ---------------------------------------------------------------------------


def transcript_issue_copy(*, actor, transcript: Transcript) -> bytes:
    """Hand out a copy of a signed transcript (the caller has checked who asks): logged as a
    TranscriptCopy with the hash of exactly what was handed out."""
    if transcript.status != Transcript.Status.SIGNED:
        raise InvalidTransitionError(_("Học bạ chưa được ký đủ."))
    with transcript.file.open("rb") as fh:
        data = fh.read()
    TranscriptCopy.objects.create(
        transcript=transcript,
        channel=TranscriptCopy.Channel.DOWNLOAD,
        issued_to=actor if getattr(actor, "is_authenticated", False) else None,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return data


def record_transfer_send(*, actor, student: Student, to_school: School, note: str = "") -> RecordTransfer:
    """The school a student leaves sends their record, with every signed transcript, to another
    school of the province (principal or school administrator). One open transfer per student."""
    with transaction.atomic():
        student = Student.objects.select_for_update().get(pk=student.pk)
        if not is_school_staff(actor, student.school_id, "principal", "admin"):
            raise NotAllowedError(_("Chỉ hiệu trưởng hoặc quản trị nhà trường được chuyển hồ sơ học sinh."))
        if to_school is None or to_school.pk == student.school_id:
            raise ServiceError(errors={"to_school": [_("Chọn một trường khác trường hiện tại.")]})
        if RecordTransfer.objects.filter(student=student, status=RecordTransfer.Status.SENT).exists():
            raise ConflictError(_("Hồ sơ của học sinh này đang được chuyển."))
        transfer = RecordTransfer.objects.create(
            student=student, from_school_id=student.school_id, to_school=to_school, note=note[:300], sent_by=actor
        )
        TranscriptCopy.objects.bulk_create(
            [
                TranscriptCopy(
                    transcript=t, channel=TranscriptCopy.Channel.TRANSFER, to_school=to_school, sha256=t.sha256
                )
                for t in Transcript.objects.filter(student=student, status=Transcript.Status.SIGNED)
            ]
        )
        audit_record(
            actor=actor,
            action="society.record_transfer.send",
            obj=transfer,
            after={"student": student.pk, "from": transfer.from_school_id, "to": to_school.pk},
        )
    return transfer


def record_transfer_receive(*, actor, transfer: RecordTransfer) -> RecordTransfer:
    """The receiving school (principal or school administrator) takes the record in: the student
    now belongs to it, their signed transcripts unchanged (their signatures stay valid)."""
    with transaction.atomic():
        transfer = RecordTransfer.objects.select_for_update().get(pk=transfer.pk)
        if not is_school_staff(actor, transfer.to_school_id, "principal", "admin"):
            raise NotAllowedError(_("Chỉ trường tiếp nhận được nhận hồ sơ."))
        if transfer.status != RecordTransfer.Status.SENT:
            raise InvalidTransitionError(_("Hồ sơ này đã được tiếp nhận."))
        transfer.status, transfer.received_by, transfer.received_at = (
            RecordTransfer.Status.RECEIVED,
            actor,
            timezone.now(),
        )
        transfer.save(update_fields=["status", "received_by", "received_at"])
        Student.objects.filter(pk=transfer.student_id).update(school_id=transfer.to_school_id)
        audit_record(
            actor=actor,
            action="society.record_transfer.receive",
            obj=transfer,
            before={"school": transfer.from_school_id},
            after={"school": transfer.to_school_id},
        )
    return transfer

"""Pages of the transcripts: signing a class or a school (a batch job with a progress page that
refreshes itself without JS), the access-checked PDF, the public verification page behind the QR
code, and transfers of a student's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ServiceError
from core.signing.forms import VerifyUploadForm
from core.signing.verification import verify_pdf
from society import selectors, services
from society.forms import TransferForm
from society.models import RecordTransfer, School, SchoolClass, SchoolYear, SigningJob, Student, Transcript
from society.permissions import can_view_school, can_view_student, is_school_staff


def class_transcript_context(user, school_class) -> dict:
    transcripts = list(Transcript.objects.filter(school_class=school_class).select_related("student"))
    return {
        "transcripts": transcripts,
        "transcript_counts": selectors.transcript_counts(school_class),
        "can_sign_homeroom": school_class.homeroom_teacher_id == user.pk,
        "can_sign_principal": is_school_staff(user, school_class.school_id, "principal"),
        "jobs": SigningJob.objects.filter(school_class=school_class).order_by("-created_at")[:5],
    }


def student_transcript_context(user, student) -> dict:
    can_transfer = is_school_staff(user, student.school_id, "principal", "admin")
    return {
        "student_transcripts": selectors.transcripts_of(student),
        "transfers": student.transfers.select_related("from_school", "to_school"),
        "transfer_form": TransferForm(exclude_school=student.school_id) if can_transfer else None,
    }


@require_POST
@login_required
def sign_class(request, pk: int):
    """The homeroom teacher (action=homeroom) or the principal (action=principal) signs the class."""
    school_class = get_object_or_404(SchoolClass.objects.select_related("school", "year"), pk=pk)
    if not can_view_school(request.user, school_class.school_id):
        raise Http404
    try:
        if request.POST.get("action") == "principal":
            job = services.transcripts_sign_principal(
                actor=request.user, school=school_class.school, year=school_class.year, school_class=school_class
            )
        else:
            job = services.transcripts_sign_class_homeroom(actor=request.user, school_class=school_class)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("society:class-detail", pk=school_class.pk)
    return redirect("society:signing-job", pk=job.pk)


@require_POST
@login_required
def sign_school(request, pk: int):
    """The principal signs every transcript of the school year the homeroom teachers have signed."""
    school = get_object_or_404(School, pk=pk)
    if not can_view_school(request.user, school.pk):
        raise Http404
    year = SchoolYear.objects.filter(pk=request.POST.get("year") or 0).first()
    if year is None:
        messages.error(request, _("Chọn năm học."))
        return redirect("society:school-detail", pk=school.pk)
    try:
        job = services.transcripts_sign_principal(actor=request.user, school=school, year=year)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("society:school-detail", pk=school.pk)
    return redirect("society:signing-job", pk=job.pk)


@never_cache
@login_required
def signing_job(request, pk: int):
    """Progress of a signing job; refreshes itself every 2 s (a meta refresh, no JS) until done."""
    job = get_object_or_404(SigningJob.objects.select_related("school", "school_class", "requested_by"), pk=pk)
    if not can_view_school(request.user, job.school_id):
        raise Http404
    done, total = services.job_progress(job)
    finished = job.status == SigningJob.Status.DONE or (total and done >= total)
    context = {
        "job": job,
        "done": done,
        "total": total,
        "finished": finished,
        "percent": int(100 * done / total) if total else 100,
    }
    return render(request, "society/signing_job.html", context)


@login_required
def school_detail(request, pk: int):
    school = get_object_or_404(School.objects.select_related("commune"), pk=pk)
    if not can_view_school(request.user, school.pk):
        raise Http404
    context = {
        "school": school,
        "classes": selectors.school_classes_with_transcripts(school),
        "years": SchoolYear.objects.filter(classes__school=school).distinct(),
        "is_principal": is_school_staff(request.user, school.pk, "principal"),
        "can_receive": is_school_staff(request.user, school.pk, "principal", "admin"),
        "incoming": RecordTransfer.objects.filter(to_school=school, status=RecordTransfer.Status.SENT).select_related(
            "student", "from_school"
        ),
        "jobs": SigningJob.objects.filter(school=school).order_by("-created_at")[:10],
    }
    return render(request, "society/school_detail.html", context)


def _transcript_for(user, pk: int) -> Transcript:
    transcript = get_object_or_404(Transcript.objects.select_related("student", "school"), pk=pk)
    # The issuing school keeps its copy; the student's current school (after a transfer), the
    # student and their parents see it too.
    if not (can_view_student(user, transcript.student) or can_view_school(user, transcript.school_id)):
        raise Http404
    return transcript


@never_cache
@login_required
def transcript_pdf(request, pk: int):
    transcript = _transcript_for(request.user, pk)
    try:
        data = services.transcript_issue_copy(actor=request.user, transcript=transcript)
    except ServiceError:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hoc-ba-{transcript.student.code}-{transcript.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def transcript_verify(request, code: str):
    """Public (the QR code on the transcript): re-validates the issued PDF and shows whether it is
    valid, who signed it and when, and its hash. A PDF someone received can be uploaded here: it is
    valid only if its signatures hold and it is byte for byte the issued transcript."""
    transcript = selectors.transcript_by_code(code)
    if transcript is None:
        raise Http404
    upload_form = VerifyUploadForm()
    uploaded = None
    if request.method == "POST":
        upload_form = VerifyUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            uploaded = verify_pdf(upload_form.cleaned_data["file"].read())
    with transcript.file.open("rb") as fh:
        stored = verify_pdf(fh.read())
    context = {
        "transcript": transcript,
        "stored": stored,
        "stored_valid": stored.valid and len(stored.signatures) == 2 and stored.sha256 == transcript.sha256,
        "uploaded": uploaded,
        "uploaded_valid": bool(uploaded and uploaded.valid and uploaded.sha256 == transcript.sha256),
        "upload_form": upload_form,
    }
    return render(request, "society/transcript_verify.html", context)


@require_POST
@login_required
def transfer_send(request, pk: int):
    student = get_object_or_404(Student, pk=pk)
    if not can_view_student(request.user, student):
        raise Http404
    form = TransferForm(request.POST, exclude_school=student.school_id)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("society:student-detail", pk=student.pk)
    try:
        services.record_transfer_send(
            actor=request.user,
            student=student,
            to_school=form.cleaned_data["to_school"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        if exc.status_code == 403:
            raise PermissionDenied from exc
        messages.error(request, " ".join(m for msgs in exc.as_dict().values() for m in msgs))
    else:
        messages.success(request, _("Đã gửi hồ sơ học sinh sang trường mới."))
    return redirect("society:student-detail", pk=student.pk)


@require_POST
@login_required
def transfer_receive(request, pk: int):
    transfer = get_object_or_404(RecordTransfer, pk=pk)
    if not can_view_school(request.user, transfer.to_school_id):
        raise Http404
    try:
        services.record_transfer_receive(actor=request.user, transfer=transfer)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã tiếp nhận hồ sơ học sinh."))
    return redirect("society:school-detail", pk=transfer.to_school_id)

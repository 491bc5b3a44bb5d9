"""Pages of the government pillar: thin views over selectors (reads) and services (writes).
Citizen pages work without JavaScript; every form keeps what the user typed and shows field-level
errors; a refused action never answers 500."""

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import http
from core.errors import apply_to_form
from core.landing import Service, pillar_landing
from core.payments.selectors import payment_paid_for
from core.permissions import role_required
from core.users import roles
from government import selectors, services
from government.data_text import data_text
from government.fields import procedure_form_class
from government.forms import (
    ApologyForm,
    ApplicantForm,
    CatalogueSearchForm,
    LookupForm,
    NewDossierForm,
    NoteForm,
    QueueFilterForm,
    RatingForm,
    ReasonForm,
    SupplementForm,
)
from government.land import selectors as land_selectors
from government.models import Dossier, Procedure, Topic

APPLICANT_ROLES = (roles.CITIZEN, roles.ENTERPRISE)
OFFICIAL_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL)
S = Dossier.Status

# What the pillar offers, shown on its landing page (core.landing).
SERVICES = [
    Service(gettext_lazy("Danh mục thủ tục hành chính"), "government:procedure-list", None),
    Service(gettext_lazy("Tra cứu hồ sơ"), "government:lookup", None),
    Service(gettext_lazy("Tra cứu thông tin đất đai"), "land:index", None),
    Service(gettext_lazy("Hồ sơ của tôi"), "government:my-dossiers", APPLICANT_ROLES),
    Service(gettext_lazy("Hồ sơ cần xử lý"), "government:queue", OFFICIAL_ROLES),
]


def index(request):
    return pillar_landing(
        request, pillar="government", title=gettext_lazy("Chính quyền số"), services=SERVICES, with_indicators=False
    )


# --- public catalogue ------------------------------------------------------------------------------


@require_GET
def procedure_list(request):
    form = CatalogueSearchForm(request.GET or None, agencies=selectors.procedure_agencies())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    procedures = selectors.procedure_list(
        q=filters.get("q", ""), topic=filters.get("topic", ""), agency=filters.get("agency", "")
    )
    return render(request, "government/procedure_list.html", {"form": form, "procedures": procedures, "topics": Topic})


@require_GET
def procedure_detail(request, code):
    procedure = selectors.procedure_get(code)
    return render(request, "government/procedure_detail.html", {"procedure": procedure})


# --- citizen ------------------------------------------------------------------------------------------


@role_required(*APPLICANT_ROLES)
def dossier_new(request, code):
    procedure = selectors.procedure_get(code)
    needs_commune = procedure.scope == Procedure.Scope.COMMUNE
    initial = {"client_token": uuid.uuid4()}
    if request.user.admin_unit_id and request.user.admin_unit.level == "commune":
        initial["commune"] = request.user.admin_unit.code
    form = NewDossierForm(request.POST or None, initial=initial)
    if not needs_commune:
        form.fields["commune"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_create(
                procedure=procedure,
                applicant=request.user,
                commune_code=form.cleaned_data.get("commune") if needs_commune else None,
                client_token=form.cleaned_data["client_token"],
            )
        except services.DossierError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("government:dossier-edit", uid=dossier.uid)
    return render(
        request, "government/dossier_new.html", {"procedure": procedure, "form": form, "needs_commune": needs_commune}
    )


@role_required(*APPLICANT_ROLES)
def my_dossiers(request):
    dossiers = selectors.my_dossiers(request.user)[:200]
    return render(request, "government/my_dossiers.html", {"dossiers": dossiers})


def _own_dossier(request, uid) -> Dossier:
    dossier = selectors.dossier_get_for_user(request.user, uid)
    if dossier.applicant_id != request.user.pk:
        raise Http404
    return dossier


def _documents_with_files(dossier):
    files = list(dossier.files.all())
    return [
        {"document": doc, "files": [f for f in files if f.document_id == doc.pk]}
        for doc in dossier.procedure.documents.all()
    ]


@role_required(*APPLICANT_ROLES)
def dossier_edit(request, uid):
    dossier = selectors.own_dossier_get(request.user, uid)
    if dossier.status != S.DRAFT:
        return redirect("government:dossier-detail", uid=dossier.uid)
    form_class = procedure_form_class(dossier.procedure)
    doc_errors: dict[str, list[str]] = {}
    form = form_class(initial=dossier.data)
    applicant_form = ApplicantForm(initial={"applicant_id_number": dossier.applicant_id_number})
    if request.method == "POST":
        if "applicant_id_number" in request.POST:
            applicant_form = ApplicantForm(data=request.POST)
            applicant_form.is_valid()
        names = {f["name"] for f in dossier.procedure.form_fields}
        typed = {name: request.POST.get(name, "") for name in names}
        uploads = [
            (doc, request.FILES[f"doc_{doc.code}"])
            for doc in dossier.procedure.documents.all()
            if f"doc_{doc.code}" in request.FILES
        ]
        action = request.POST.get("action", "save")
        # One service, one transaction: what the user typed and the accepted files are kept even
        # when a file is refused or the submission is incomplete, so nothing typed is lost.
        try:
            outcome = services.dossier_update_draft(
                dossier=dossier,
                actor=request.user,
                data=typed,
                uploads=uploads,
                submit=action == "submit",
                applicant_id_number=request.POST.get("applicant_id_number"),
            )
        except (services.InvalidTransition, services.NotAllowed) as exc:
            messages.error(request, exc.message)
            return redirect("government:dossier-detail", uid=dossier.uid)
        except services.DossierError as exc:
            # What the draft cannot keep (a value over its field's length): shown on the form, with
            # everything typed still in it; nothing was written.
            form = form_class(data=request.POST)
            form.is_valid()
            _apply_applicant_errors(applicant_form, exc)
            apply_to_form(form, exc)
        else:
            dossier = outcome.dossier
            doc_errors = outcome.file_errors
            if doc_errors:
                messages.error(request, _("Một số tệp không được chấp nhận; nội dung đã nhập vẫn được lưu."))
                form = form_class(initial=dossier.data)
            elif outcome.submit_error is not None:
                exc = outcome.submit_error
                messages.error(request, exc.message)
                form = form_class(data=dossier.data)
                form.is_valid()
                _apply_applicant_errors(applicant_form, exc)
                for key, errors in exc.errors.items():
                    if key.startswith("doc_"):
                        doc_errors.setdefault(key[4:], []).extend(errors)
            elif outcome.submitted:
                messages.success(request, _("Đã nộp hồ sơ. Mã hồ sơ: %(code)s") % {"code": dossier.code})
                return redirect("government:dossier-detail", uid=dossier.uid)
            else:
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("government:dossier-edit", uid=dossier.uid)
    documents = _documents_with_files(dossier)
    summary_errors = []
    for item in documents:
        item["errors"] = doc_errors.get(item["document"].code, [])
        summary_errors += [
            (f"id_doc_{item['document'].code}", data_text(item["document"].name), e) for e in item["errors"]
        ]
    for e in applicant_form.errors.get("applicant_id_number", []):
        summary_errors.append(("id_applicant_id_number", applicant_form.fields["applicant_id_number"].label, e))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "government/dossier_edit.html",
        {
            "dossier": dossier,
            "form": form,
            "applicant_form": applicant_form,
            "documents": documents,
            "summary_errors": summary_errors,
            "fee": services.compute_fee_preview(dossier),
        },
        status=status,
    )


def _apply_applicant_errors(applicant_form, exc) -> None:
    # The applicant's ID number is not part of the procedure's declaration: its error goes to
    # its own form and is taken out of the exception so the declaration's form does not see it.
    for message in exc.errors.pop("applicant_id_number", []):
        applicant_form.add_error("applicant_id_number", message)


@require_POST
@role_required(*APPLICANT_ROLES)
def dossier_file_remove(request, uid, file_id):
    dossier = _own_dossier(request, uid)
    try:
        services.dossier_remove_file(dossier=dossier, actor=request.user, file_id=file_id)
    except services.DossierError as exc:
        messages.error(request, exc.message)
    target = "government:dossier-edit" if dossier.status == S.DRAFT else "government:dossier-detail"
    return redirect(target, uid=dossier.uid)


@require_http_methods(["GET", "POST"])
@role_required(*APPLICANT_ROLES)
def dossier_delete(request, uid):
    """GET asks to confirm (a page, so it works without JavaScript); POST deletes."""
    dossier = _own_dossier(request, uid)
    if request.method != "POST":
        if dossier.status != S.DRAFT:
            return redirect("government:dossier-detail", uid=dossier.uid)
        return render(request, "government/dossier_delete.html", {"dossier": dossier})
    try:
        services.dossier_delete_draft(dossier=dossier, actor=request.user)
    except services.DossierError as exc:
        messages.error(request, exc.message)
        return redirect("government:dossier-detail", uid=dossier.uid)
    messages.success(request, _("Đã xóa bản nháp."))
    return redirect("government:my-dossiers")


@role_required(*APPLICANT_ROLES)
def dossier_detail(request, uid):
    dossier = _own_dossier(request, uid)
    if dossier.status == S.DRAFT:
        return redirect("government:dossier-edit", uid=dossier.uid)
    return render(request, "government/dossier_detail.html", _citizen_context(dossier))


def _citizen_context(dossier, **extra):
    open_request = dossier.supplement_requests.filter(answered_at__isnull=True).last()
    context = {
        "dossier": dossier,
        "events": dossier.events.all(),
        "files": dossier.files.select_related("document"),
        "open_request": open_request,
        "supplement_files": open_request.files.all() if open_request else [],
        "supplement_form": SupplementForm(),
        "rating_form": RatingForm(),
        "rating": getattr(dossier, "rating", None),
        "deadline": selectors.deadline_state(dossier),
        "apologies": dossier.apologies.all(),
        "fee_payment": payment_paid_for(dossier) if dossier.paid_at else None,
        "declaration": services.labelled_data(dossier),
    }
    context.update(extra)
    return context


@require_POST
@role_required(*APPLICANT_ROLES)
def dossier_pay(request, uid):
    dossier = _own_dossier(request, uid)
    try:
        payment = services.dossier_start_payment(dossier=dossier, actor=request.user)
    except services.DossierError as exc:
        messages.info(request, exc.message)
        return redirect("government:dossier-detail", uid=dossier.uid)
    return redirect(payment.get_absolute_url())


@require_POST
@role_required(*APPLICANT_ROLES)
def dossier_supplement(request, uid):
    dossier = _own_dossier(request, uid)
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "government/dossier_detail.html", _citizen_context(dossier, supplement_form=form), status=400
        )
    try:
        if form.cleaned_data.get("file"):
            services.dossier_add_file(
                dossier=dossier, actor=request.user, document=None, uploaded=form.cleaned_data["file"]
            )
        if request.POST.get("action") == "send":
            services.dossier_supplement(dossier=dossier, actor=request.user, note=form.cleaned_data.get("note", ""))
            messages.success(request, _("Đã gửi giấy tờ bổ sung."))
        else:
            messages.success(request, _("Đã tải tệp lên. Bấm “Gửi bổ sung” khi đã đủ giấy tờ."))
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("file", message)
        return render(
            request, "government/dossier_detail.html", _citizen_context(dossier, supplement_form=form), status=400
        )
    except services.InvalidTransition as exc:
        messages.info(request, exc.message)
    except services.DossierError as exc:
        apply_to_form(form, exc)
        return render(
            request, "government/dossier_detail.html", _citizen_context(dossier, supplement_form=form), status=400
        )
    return redirect("government:dossier-detail", uid=dossier.uid)


@require_POST
@role_required(*APPLICANT_ROLES)
def dossier_rate(request, uid):
    dossier = _own_dossier(request, uid)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return render(
            request, "government/dossier_detail.html", _citizen_context(dossier, rating_form=form), status=400
        )
    try:
        services.dossier_rate(
            dossier=dossier, actor=request.user, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
        )
    except services.DossierError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("government:dossier-detail", uid=dossier.uid)


# --- documents (PDF, files) -------------------------------------------------------------------------


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(*APPLICANT_ROLES, *OFFICIAL_ROLES, roles.PROVINCE_LEADER)
def dossier_receipt(request, uid):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)."""
    from core.pdf import render_pdf

    dossier = selectors.dossier_get_for_user(request.user, uid)
    if dossier.status == S.DRAFT:
        raise Http404
    pdf = render_pdf(
        "government/pdf/receipt.html",
        {"dossier": dossier, "documents": dossier.files.select_related("document"), "printed_at": timezone.now()},
    )
    return _pdf_response(pdf, f"giay-tiep-nhan-{dossier.code}.pdf")


@role_required(*APPLICANT_ROLES, *OFFICIAL_ROLES, roles.PROVINCE_LEADER)
def dossier_result(request, uid):
    dossier = selectors.dossier_get_for_user(request.user, uid)
    if dossier.result_document_id is None:
        raise Http404
    document = dossier.result_document
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"ket-qua-{dossier.code}.pdf",
        as_attachment=True,
    )


@role_required(*APPLICANT_ROLES, *OFFICIAL_ROLES, roles.PROVINCE_LEADER)
def dossier_apology(request, uid, slip_id):
    """Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)."""
    from core.pdf import render_pdf

    dossier = selectors.dossier_get_for_user(request.user, uid)
    slip = dossier.apologies.filter(pk=slip_id).select_related("issued_by").first()
    if slip is None:
        raise Http404
    pdf = render_pdf("government/pdf/apology.html", {"dossier": dossier, "slip": slip})
    return _pdf_response(pdf, f"xin-loi-{dossier.code}.pdf")


@role_required(*APPLICANT_ROLES, *OFFICIAL_ROLES, roles.PROVINCE_LEADER)
def dossier_file(request, uid, file_id):
    dossier = selectors.dossier_get_for_user(request.user, uid)
    record = dossier.files.filter(pk=file_id).first()
    if record is None:
        raise Http404
    return FileResponse(
        record.file.open("rb"), content_type=record.mime_type, filename=record.original_name, as_attachment=True
    )


# --- public lookup ------------------------------------------------------------------------------------

LOOKUP_LIMIT = 30  # per client address and 10 minutes: the last four digits are not a password


def lookup_allowed(request) -> bool:
    """Counts a lookup of the client's address; False once over the limit (pages and API share it)."""
    key = f"gov-lookup:{http.client_ip(request) or ''}"
    cache.add(key, 0, timeout=600)
    return cache.incr(key) <= LOOKUP_LIMIT


@require_GET
def lookup(request):
    form = LookupForm(request.GET or None)
    dossier = None
    searched = False
    status = 200
    if form.is_bound and form.is_valid():
        if not lookup_allowed(request):
            form.add_error(None, _("Bạn đã tra cứu quá nhiều lần, vui lòng thử lại sau ít phút."))
            status = 429
        else:
            searched = True
            dossier = selectors.public_lookup(form.cleaned_data["code"], form.cleaned_data["id_last4"])
    context = {
        "form": form,
        "dossier": dossier,
        "searched": searched,
        "history": selectors.public_history(dossier) if dossier else [],
    }
    return render(request, "government/lookup.html", context, status=status)


# --- officials ----------------------------------------------------------------------------------------


@role_required(*OFFICIAL_ROLES)
def queue(request):
    from government.models import Procedure

    procedures = Procedure.objects.filter(is_active=True).order_by("code")
    if not request.user.is_superuser and request.user.agency_id:
        agency = request.user.agency
        procedures = (
            procedures.filter(agency=agency) if agency.kind != "commune" else procedures.filter(scope="commune")
        )
    form = QueueFilterForm(request.GET or None, procedures=procedures)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    dossiers = selectors.official_queue(
        request.user,
        status=filters.get("status", ""),
        procedure=filters.get("procedure", ""),
        due=filters.get("due", ""),
        mine=filters.get("mine", False),
        q=filters.get("q", ""),
    )[:200]
    rows = [{"dossier": d, "deadline": selectors.deadline_state(d)} for d in dossiers]
    return render(
        request, "government/queue.html", {"form": form, "rows": rows, "counts": selectors.queue_counts(request.user)}
    )


def _official_context(request, dossier, **forms):
    user = request.user
    context = {
        "dossier": dossier,
        "events": dossier.events.select_related("actor"),
        "files": dossier.files.select_related("document", "supplement"),
        "supplements": dossier.supplement_requests.all(),
        "apologies": dossier.apologies.all(),
        "deadline": selectors.deadline_state(dossier),
        "can_act": services.is_agency_official(user, dossier),
        "is_leader": services.is_agency_leader(user, dossier),
        "forward_form": NoteForm(prefix="forward"),
        "supplement_form": ReasonForm(prefix="supplement"),
        "reject_form": ReasonForm(prefix="reject"),
        "approve_form": NoteForm(prefix="approve"),
        "apology_form": ApologyForm(prefix="apology"),
        "today": timezone.localdate(),
        "parcel_sheets": land_selectors.sheets_for_dossier(dossier),
    }
    context.update(forms)
    return context


@role_required(*OFFICIAL_ROLES)
def official_dossier(request, uid):
    dossier = selectors.dossier_get_for_user(request.user, uid)
    if dossier.status == S.DRAFT or (
        dossier.applicant_id == request.user.pk and not services.is_agency_official(request.user, dossier)
    ):
        raise Http404
    return render(request, "government/official_dossier.html", _official_context(request, dossier))


ACTIONS = {"claim", "forward", "request-supplement", "reject", "approve", "issue-result", "apologise"}


@require_POST
@role_required(*OFFICIAL_ROLES)
def official_action(request, uid, action):
    if action not in ACTIONS:
        raise Http404
    dossier = selectors.dossier_get_for_user(request.user, uid)
    if dossier.status == S.DRAFT:
        raise Http404
    user = request.user
    form = None
    form_key = None
    try:
        if action == "claim":
            services.dossier_claim(dossier=dossier, actor=user)
            done = _("Bạn đã nhận xử lý hồ sơ.")
        elif action == "forward":
            form, form_key = NoteForm(request.POST, prefix="forward"), "forward_form"
            if form.is_valid():
                services.dossier_forward(dossier=dossier, actor=user, note=form.cleaned_data["note"])
            done = _("Đã chuyển hồ sơ sang bước tiếp theo.")
        elif action == "request-supplement":
            form, form_key = ReasonForm(request.POST, prefix="supplement"), "supplement_form"
            if form.is_valid():
                services.dossier_request_supplement(dossier=dossier, actor=user, reason=form.cleaned_data["reason"])
            done = _("Đã gửi yêu cầu bổ sung; thời hạn giải quyết tạm dừng.")
        elif action == "reject":
            form, form_key = ReasonForm(request.POST, prefix="reject"), "reject_form"
            if form.is_valid():
                services.dossier_reject(dossier=dossier, actor=user, reason=form.cleaned_data["reason"])
            done = _("Đã từ chối hồ sơ.")
        elif action == "approve":
            form, form_key = NoteForm(request.POST, prefix="approve"), "approve_form"
            if form.is_valid():
                services.dossier_approve(dossier=dossier, actor=user, note=form.cleaned_data["note"])
            done = _("Đã phê duyệt hồ sơ.")
        elif action == "issue-result":
            services.dossier_issue_result(dossier=dossier, actor=user)
            done = _("Đã ký số và trả kết quả cho người nộp.")
        else:  # apologise
            form, form_key = ApologyForm(request.POST, prefix="apology"), "apology_form"
            if form.is_valid():
                services.dossier_apologise(
                    dossier=dossier,
                    actor=user,
                    reason=form.cleaned_data["reason"],
                    new_due_date=form.cleaned_data["new_due_date"],
                )
            done = _("Đã lập văn bản xin lỗi và hẹn lại ngày trả kết quả.")
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except services.DossierError as exc:
        if form is not None and exc.errors:
            apply_to_form(form, exc)
        else:
            messages.error(request, exc.message)
            return redirect("government:official-dossier", uid=dossier.uid)
    if form is not None and form.errors:
        dossier.refresh_from_db()
        return render(
            request,
            "government/official_dossier.html",
            _official_context(request, dossier, **{form_key: form}),
            status=400,
        )
    messages.success(request, done)
    return redirect(reverse("government:official-dossier", kwargs={"uid": dossier.uid}))

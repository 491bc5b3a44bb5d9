"""Party documents: drafting, issuing (numbered, signed, distributed), an organisation's inbox with
read acknowledgement, the issuer's view of who has and has not read, reminders, downloads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from party.forms import AttachForm, DistributeForm, DocumentDraftForm, InboxFilterForm, IssueForm
from party.models import Distribution, DocumentFile, PartyDocument, PartyOrganisation
from party.permissions import PARTY_ROLES, VIEW_ROLES
from party.selectors import access
from party.selectors import documents as doc_selectors
from party.services import documents as doc_services


def _visible_or_404(request, pk: int) -> PartyDocument:
    # A document the user may not see answers 404, not 403: its existence is not theirs to know.
    doc = doc_selectors.document_for(request.user, pk)
    if doc is None:
        raise Http404
    return doc


@role_required(*PARTY_ROLES)
def document_create(request):
    orgs = access.issuing_organisations(request.user)
    form = DocumentDraftForm(
        request.POST or None,
        request.FILES or None,
        organisations=PartyOrganisation.objects.filter(pk__in=[o.pk for o in orgs]),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files") or []
        try:
            doc = doc_services.document_create_draft(actor=request.user, **data)
            if files:
                doc_services.document_attach(actor=request.user, document=doc, files=files)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo văn bản."))
            return redirect("party:document-detail", pk=doc.pk)
    return render(request, "party/document_form.html", {"form": form, "has_orgs": bool(orgs)})


@role_required(*VIEW_ROLES)
def document_detail(request, pk: int):
    doc = _visible_or_404(request, pk)
    is_issuer = doc.organisation in access.officer_organisations(request.user)
    context = {
        "doc": doc,
        "files": doc.files.all(),
        "is_issuer": is_issuer,
        "mine": doc_selectors.my_distributions(request.user, doc),
        "receipts": doc_selectors.receipts(doc) if is_issuer else None,
    }
    if is_issuer and doc.status == PartyDocument.Status.DRAFT:
        context["issue_form"] = IssueForm(recipients=doc_selectors.recipient_choices(doc))
        context["attach_form"] = AttachForm()
    elif is_issuer:
        context["distribute_form"] = DistributeForm(recipients=doc_selectors.recipient_choices(doc))
    return render(request, "party/document_detail.html", context)


def _detail_with(request, doc, **forms):
    """Re-render the document page with a bound form that carries errors (what was typed is kept)."""
    context = {
        "doc": doc,
        "files": doc.files.all(),
        "is_issuer": True,
        "mine": doc_selectors.my_distributions(request.user, doc),
        "receipts": doc_selectors.receipts(doc),
        **forms,
    }
    return render(request, "party/document_detail.html", context, status=200)


@require_POST
@role_required(*PARTY_ROLES)
def document_issue(request, pk: int):
    doc = _visible_or_404(request, pk)
    form = IssueForm(request.POST, recipients=doc_selectors.recipient_choices(doc))
    if form.is_valid():
        try:
            doc = doc_services.document_issue(actor=request.user, document=doc, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã ban hành văn bản số %(number)s.") % {"number": doc.number})
            return redirect("party:document-detail", pk=doc.pk)
    if doc.status == PartyDocument.Status.ISSUED:  # issued by a first click while this one waited
        return redirect("party:document-detail", pk=doc.pk)
    return _detail_with(request, doc, issue_form=form, attach_form=AttachForm())


@require_POST
@role_required(*PARTY_ROLES)
def document_attach(request, pk: int):
    doc = _visible_or_404(request, pk)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            doc_services.document_attach(actor=request.user, document=doc, files=form.cleaned_data["files"])
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã thêm tệp đính kèm."))
            return redirect("party:document-detail", pk=doc.pk)
    return _detail_with(
        request, doc, attach_form=form, issue_form=IssueForm(recipients=doc_selectors.recipient_choices(doc))
    )


@require_POST
@role_required(*PARTY_ROLES)
def document_distribute(request, pk: int):
    doc = _visible_or_404(request, pk)
    form = DistributeForm(request.POST, recipients=doc_selectors.recipient_choices(doc))
    if form.is_valid():
        try:
            created = doc_services.document_distribute(
                actor=request.user, document=doc, recipients=form.cleaned_data["recipients"]
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã gửi thêm %(n)s nơi nhận.") % {"n": len(created)})
            return redirect("party:document-detail", pk=doc.pk)
    return _detail_with(request, doc, distribute_form=form)


@require_POST
@role_required(*PARTY_ROLES)
def document_acknowledge(request, pk: int, distribution_id: int):
    doc = _visible_or_404(request, pk)
    row = get_object_or_404(Distribution, pk=distribution_id, document=doc)
    try:
        doc_services.document_acknowledge(actor=request.user, distribution=row)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã xác nhận đọc văn bản %(number)s.") % {"number": doc.number})
    if request.POST.get("next") == "inbox":
        return redirect("party:inbox")
    return redirect("party:document-detail", pk=doc.pk)


@require_POST
@role_required(*PARTY_ROLES)
def document_remind(request, pk: int):
    doc = _visible_or_404(request, pk)
    try:
        n = doc_services.document_remind(actor=request.user, document=doc)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        if n:
            messages.success(request, _("Đã nhắc %(n)s nơi nhận chưa đọc.") % {"n": n})
        else:
            messages.info(request, _("Không có nơi nhận nào cần nhắc (đã đọc hết hoặc vừa được nhắc)."))
    return redirect("party:document-detail", pk=doc.pk)


def _file_response(field, name):
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name)


@role_required(*VIEW_ROLES)
def document_file(request, pk: int, file_id: int):
    doc = _visible_or_404(request, pk)
    item = get_object_or_404(DocumentFile, pk=file_id, document=doc)
    return _file_response(item.file, item.name)


@role_required(*VIEW_ROLES)
def document_pdf(request, pk: int):
    doc = _visible_or_404(request, pk)
    if doc.signed_document is None:
        raise Http404
    return _file_response(doc.signed_document.file, f"{doc.number.replace('/', '-')}.pdf")


@role_required(*PARTY_ROLES)
def inbox(request):
    orgs = access.officer_organisations(request.user)
    form = InboxFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    page = Paginator(doc_selectors.inbox(request.user, state=state), 50).get_page(request.GET.get("page"))
    unread = doc_selectors.inbox(request.user, state="unread").count()
    return render(request, "party/inbox.html", {"form": form, "page": page, "orgs": orgs, "unread": unread})

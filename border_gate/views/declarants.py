"""Declarants' pages (enterprises and citizens): declare, correct, cancel, pay; enterprises' staff."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from border_gate import labels, selectors, services
from border_gate.forms import (
    CorrectionForm,
    DeclarationForm,
    EnterpriseForm,
    GoodsFormSet,
    StaffForm,
    declaration_data,
)
from border_gate.models import Entry
from border_gate.views.common import DECLARANT_ROLES
from border_gate.views.drivers import _driver_url, _qr_svg
from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from core.users import roles


@role_required(*DECLARANT_ROLES)
def my_entries(request):
    return render(
        request, "border_gate/my_entries.html", {"entries": selectors.entries_for_declarant(request.user)[:100]}
    )


@role_required(*DECLARANT_ROLES)
def declare(request):
    enterprises = list(selectors.enterprises_of(request.user))
    form = DeclarationForm(request.POST or None, enterprises=enterprises)
    goods = GoodsFormSet(request.POST or None, prefix="goods")
    # Both are validated whatever the other says: every problem is shown in one round.
    valid = [form.is_valid(), goods.is_valid()] if request.method == "POST" else [False]
    if all(valid):
        enterprise = next((e for e in enterprises if e.pk == form.cleaned_data["enterprise"]), None)
        try:
            entry = services.entry_declare(
                actor=request.user,
                data=declaration_data(form, goods),
                enterprise=enterprise,
                submission_key=form.cleaned_data["submission_key"],
            )
        except ServiceError as e:
            apply_to_form(form, e, rows={"goods": goods})
        else:
            messages.success(request, _("Đã khai báo. Mã khai báo: %(code)s") % {"code": entry.code})
            return redirect("border_gate:entry", code=entry.code)
    status = 400 if request.method == "POST" else 200
    summary = goods.summary_errors() if request.method == "POST" else []
    return render(
        request, "border_gate/declare.html", {"form": form, "goods": goods, "summary_errors": summary}, status=status
    )


def _declarant_entry(request, code):
    entry = selectors.entry_for_declarant(request.user, code)
    if entry is None:
        raise Http404
    return entry


@role_required(*DECLARANT_ROLES)
def entry_detail(request, code):
    entry = _declarant_entry(request, code)
    return render(
        request,
        "border_gate/entry.html",
        {
            "entry": entry,
            "qr": _qr_svg(_driver_url(request, entry)),
            "driver_url": _driver_url(request, entry),
            "versions": selectors.entry_versions(entry),
            "steps": selectors.entry_steps(entry),
            "status": selectors.driver_status(entry),
        },
    )


def _correction_rows(entry, snapshot: dict) -> list[tuple[str, str, str]]:
    """(label, value, link to correct it or "") for each field of the declaration as it stands."""
    base = reverse("border_gate:entry-correct", args=[entry.code])
    rows = []
    for key, label, value in labels.snapshot_rows(snapshot):
        parts = key.split(".")
        query = {"field": key}
        if len(parts) == 3:  # goods.<line>.<attr>
            query = {"field": f"goods.{parts[2]}", "line": parts[1]}
        if key == "expected_arrival" and entry.status != Entry.Status.DECLARED:
            query = None  # the truck has arrived: the service refuses it
        url = f"{base}?{urlencode(query)}" if query and query["field"] in services.CORRECTABLE_FIELDS else ""
        rows.append((label, value, url))
    return rows


@role_required(*DECLARANT_ROLES)
def entry_correct(request, code):
    """GET without a field: the declaration, each field with a link to correct it. With a field
    (the link, or the POST): that field's own input, prefilled with what is declared, and a reason."""
    entry = _declarant_entry(request, code)
    source = request.POST if request.method == "POST" else request.GET
    field_name = source.get("field_name") or source.get("field") or ""
    context = {"entry": entry, "rows": _correction_rows(entry, services.entry_snapshot(entry)), "form": None}
    if field_name not in services.CORRECTABLE_FIELDS or not entry.is_open:
        if request.method == "POST":
            context["choose_error"] = (
                _("Lượt xe đã kết thúc: không sửa được nữa.") if not entry.is_open else _("Chọn thông tin cần sửa.")
            )
        return render(request, "border_gate/correct.html", context, status=400 if request.method == "POST" else 200)
    try:
        line_no = int(source.get("line_no") or source.get("line") or 0) or None
    except ValueError:
        line_no = None
    form = CorrectionForm(request.POST or None, entry=entry, field_name=field_name, line_no=line_no)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.entry_correct(
                actor=request.user,
                entry=entry,
                field_name=field_name,
                value=form.value_for_service(),
                reason=form.cleaned_data["reason"],
                line_no=form.cleaned_data.get("line_no"),
            )
        except ServiceError as e:
            apply_to_form(form, e)
        else:
            messages.success(request, _("Đã lưu phiên bản %(n)d của khai báo.") % {"n": version.number})
            return redirect("border_gate:entry", code=entry.code)
    context["form"] = form
    return render(request, "border_gate/correct.html", context, status=400 if request.method == "POST" else 200)


@role_required(*DECLARANT_ROLES)
@require_POST
def entry_cancel(request, code):
    entry = _declarant_entry(request, code)
    try:
        services.entry_cancel(actor=request.user, entry=entry, reason=request.POST.get("reason", "")[:300])
        messages.success(request, _("Đã hủy khai báo."))
    except ServiceError as e:
        messages.error(request, e.as_text())
    return redirect("border_gate:entry", code=entry.code)


@role_required(*DECLARANT_ROLES)
@require_POST
def entry_pay(request, code):
    entry = _declarant_entry(request, code)
    try:
        payment = services.fee_request_payment(actor=request.user, entry=entry)
    except ServiceError as e:
        messages.error(request, e.as_text())
        return redirect("border_gate:entry", code=entry.code)
    return redirect(payment.get_absolute_url())


@role_required(roles.ENTERPRISE)
def enterprises(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_register(actor=request.user, **form.cleaned_data)
        except ServiceError as e:
            apply_to_form(form, e)
        else:
            messages.success(request, _("Đã đăng ký doanh nghiệp."))
            return redirect("border_gate:enterprises")
    items = [(e, selectors.is_manager(request.user, e)) for e in selectors.enterprises_of(request.user)]
    return render(
        request,
        "border_gate/enterprises.html",
        {"form": form, "items": items, "staff_form": StaffForm()},
        status=400 if request.method == "POST" else 200,
    )


@role_required(roles.ENTERPRISE)
@require_POST
def enterprise_add_staff(request, pk):
    enterprise = get_object_or_404(selectors.enterprises_of(request.user), pk=pk)
    form = StaffForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_add_staff(actor=request.user, enterprise=enterprise, email=form.cleaned_data["email"])
            messages.success(request, _("Đã thêm nhân viên."))
        except ServiceError as e:
            messages.error(request, e.as_text())
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect("border_gate:enterprises")


# -- officers --------------------------------------------------------------------------------------

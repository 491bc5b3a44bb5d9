"""Pages of the land platform: thin views over selectors (reads) and services (writes).

Public pages (lookup, parcel sheet, its PDF, map tiles) need no login and no JavaScript; they never
read the owner table. Land officials' pages check `permissions.land_scope`; every read of owner
data goes through selectors that audit it.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import ServiceError, apply_to_form
from core.pdf import render_pdf
from core.permissions import role_required
from core.users import roles
from government.land import selectors, services
from government.land.forms import (
    AnswerForm,
    CodeLookupForm,
    CoordinateLookupForm,
    ErrorReportForm,
    ImportForm,
    OwnerSearchForm,
    ParcelEditForm,
    SheetLookupForm,
)
from government.land.models import ErrorReport
from government.land.permissions import is_land_official, land_scope, may_handle_parcel

REPORTER_ROLES = (roles.CITIZEN, roles.ENTERPRISE)


# by → (context name, form, auto_id): the page's three lookups.
LOOKUPS = {
    "sheet": ("sheet_form", SheetLookupForm, "id_%s"),
    "code": ("code_form", CodeLookupForm, "code_%s"),
    "coords": ("coords_form", CoordinateLookupForm, "xy_%s"),
}


def _forms() -> dict:
    return {name: form_class(auto_id=auto_id) for name, form_class, auto_id in LOOKUPS.values()}


def _found_code(by: str, data: dict) -> str | None:
    if by == "sheet":
        return selectors.parcel_code_by_sheet(commune_code=data["commune"], sheet=data["sheet"], number=data["number"])
    if by == "code":
        return selectors.parcel_code(data["code"])
    return selectors.parcel_code_at(data["point"])


@require_GET
def index(request):
    return render(request, "land/index.html", {**_forms(), "is_official": is_land_official(request.user)})


@require_GET
def lookup(request):
    """The three lookups in one GET endpoint (`by` = sheet | code | coords): a found parcel redirects
    to its sheet; otherwise the page comes back with the typed values and the reason."""
    by = request.GET.get("by", "")
    submitted = {}
    searched = False
    if by in LOOKUPS:
        # Only the submitted form is validated; a found parcel answers with a redirect at once.
        name, form_class, auto_id = LOOKUPS[by]
        form = form_class(request.GET, auto_id=auto_id)
        searched = form.is_valid()
        code = _found_code(by, form.cleaned_data) if searched else None
        if code:
            return redirect("land:parcel", code=code)
        submitted[name] = form  # with its errors and what was typed
    return render(
        request,
        "land/index.html",
        {**_forms(), **submitted, "by": by, "not_found": searched, "is_official": is_land_official(request.user)},
        status=200,
    )


def _parcel_or_404(code: str):
    parcel = selectors.parcel_by_code(code)
    if parcel is None:
        raise Http404
    return parcel


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#1b1f23", light="#ffffff", border=2)


def _sheet_url(request, code: str) -> str:
    return request.build_absolute_uri(reverse("land:parcel", args=[code]))


@require_GET
def parcel(request, code):
    parcel = _parcel_or_404(code)
    sheet = selectors.parcel_sheet(parcel)
    context = {
        "sheet": sheet,
        "p": parcel,
        "qr": _qr_svg(_sheet_url(request, parcel.code)),
        "procedures": selectors.land_procedures(),
    }
    if may_handle_parcel(request.user, parcel):
        context["owners"] = selectors.owners_of(request.user, parcel)
        context["versions"] = selectors.parcel_versions(request.user, parcel)
        context["official"] = True
    elif request.user.is_authenticated:
        context["can_report"] = selectors.is_land_user_of(request.user, parcel)
    return render(request, "land/parcel.html", context)


@require_GET
def parcel_pdf(request, code):
    """The printable sheet (public attributes only) with a QR code back to the page."""
    parcel = _parcel_or_404(code)
    sheet = selectors.parcel_sheet(parcel)
    url = _sheet_url(request, parcel.code)
    pdf = render_pdf("land/pdf/parcel.html", {"sheet": sheet, "p": parcel, "qr": _qr_svg(url), "url": url})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="thua-dat-{parcel.code}.pdf"'
    return response


@require_GET
@cache_control(public=True, max_age=300)
def tile(request, z, x, y):
    if not (0 <= z <= 22 and 0 <= x < 2**z and 0 <= y < 2**z):
        raise Http404
    return HttpResponse(selectors.tile_mvt(z, x, y), content_type="application/vnd.mapbox-vector-tile")


# --- the land user's error report -------------------------------------------------------------


@role_required(*REPORTER_ROLES)
@require_http_methods(["GET", "POST"])
def report_new(request, code):
    parcel = _parcel_or_404(code)
    if not selectors.is_land_user_of(request.user, parcel):
        raise PermissionDenied
    form = ErrorReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_submit(
                parcel=parcel,
                reporter=request.user,
                field=data["field"],
                description=data["description"],
                evidence=data["evidence"],
                client_token=data["client_token"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã gửi báo sai sót tới Văn phòng Đăng ký đất đai."))
            return redirect("land:my-reports")
    return render(request, "land/report_new.html", {"form": form, "p": parcel})


@role_required(*REPORTER_ROLES)
@require_GET
def my_reports(request):
    return render(request, "land/my_reports.html", {"reports": selectors.my_reports(request.user)[:100]})


# --- land officials ----------------------------------------------------------------------------------


def _official(request):
    """The official's scope; anonymous → login, non-land officials → 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if land_scope(request.user) is None:
        raise PermissionDenied
    return None


@require_GET
def official(request):
    if (response := _official(request)) is not None:
        return response
    status = request.GET.get("status", "")
    if status not in ErrorReport.Status.values:
        status = ""
    reports = selectors.report_queue(request.user, status=status)[:200]
    return render(
        request,
        "land/official.html",
        {
            "reports": reports,
            "status": status,
            "statuses": ErrorReport.Status.choices,
            "search_form": OwnerSearchForm(),
            "province_wide": land_scope(request.user) == "province",
        },
    )


@require_GET
def owner_search(request):
    if (response := _official(request)) is not None:
        return response
    form = OwnerSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.owner_search(request.user, query=form.cleaned_data["q"])
    return render(request, "land/owner_search.html", {"form": form, "results": results})


@require_http_methods(["GET", "POST"])
def report_detail(request, uid):
    if (response := _official(request)) is not None:
        return response
    report = selectors.report_for_official(request.user, uid)
    if report is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        try:
            services.report_transition(
                report=report, actor=request.user, action=action, answer=form.cleaned_data["answer"]
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã cập nhật báo sai sót."))
            return redirect("land:report-detail", uid=report.uid)
    return render(request, "land/report_detail.html", {"report": report, "form": form})


@require_GET
def report_evidence(request, uid):
    """The evidence file, for the land official handling the report and for its reporter."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    report = selectors.report_for_official(request.user, uid) if is_land_official(request.user) else None
    if report is None:
        report = selectors.my_reports(request.user).filter(uid=uid).first()
    if report is None:
        raise Http404
    response = HttpResponse(report.evidence.open("rb").read(), content_type="application/octet-stream")
    response["Content-Disposition"] = 'attachment; filename="tai-lieu-chung-minh"'
    return response


@require_http_methods(["GET", "POST"])
def parcel_edit(request, code):
    if (response := _official(request)) is not None:
        return response
    parcel = _parcel_or_404(code)
    if not may_handle_parcel(request.user, parcel):
        raise PermissionDenied
    initial = {
        "land_use": parcel.land_use_id,
        "area_m2": parcel.area_m2,
        "address": parcel.address,
        "use_form": parcel.use_form,
        "use_term": parcel.use_term,
        "origin": parcel.origin,
        "version": parcel.version,
    }
    form = ParcelEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in services.EDITABLE}
        changes["land_use"] = data["land_use"].code
        try:
            services.parcel_edit(
                parcel=parcel,
                actor=request.user,
                reason=data["reason"],
                expected_version=data["version"],
                changes=changes,
                geometry=data["geometry"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi; phiên bản trước được giữ trong lịch sử thửa đất."))
            return redirect("land:parcel", code=parcel.code)
    return render(request, "land/parcel_edit.html", {"form": form, "p": parcel})


@require_http_methods(["GET", "POST"])
def imports(request):
    """Province land officials: upload a cadastral file (imported by a worker) and follow the runs."""
    if (response := _official(request)) is not None:
        return response
    runs = selectors.imports_for(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.parcel_import_create(
                actor=request.user,
                upload=form.cleaned_data["upload"],
                srs=form.cleaned_data["srs"],
                client_token=form.cleaned_data["client_token"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã nhận tệp; việc nhập chạy nền, tiến độ hiện ở trang này."))
            return redirect("land:import-detail", pk=record.pk)
    return render(request, "land/imports.html", {"form": form, "runs": runs[:50]})


@require_GET
def import_detail(request, pk):
    """One import's progress (its progress rows): reloads itself every few seconds while it runs,
    without JavaScript (meta refresh, and a reload link)."""
    if (response := _official(request)) is not None:
        return response
    record = selectors.imports_for(request.user).filter(pk=pk).first()
    if record is None:
        raise Http404
    alive = selectors.import_alive(record)
    stalled = record.status == record.Status.RUNNING and not alive
    return render(
        request,
        "land/import_detail.html",
        {"run": record, "alive": alive, "stalled": stalled, "active": record.status == record.Status.QUEUED or alive},
    )


@role_required(roles.PROVINCE_LEADER, roles.DEPARTMENT_OFFICIAL, roles.COMMUNE_OFFICIAL)
@require_GET
def statistics(request):
    scope = land_scope(request.user)
    commune_code = None
    if scope not in (None, "province"):
        commune_code = scope.code
    elif scope is None and not request.user.has_role(roles.PROVINCE_LEADER) and not request.user.is_superuser:
        # Officials outside the land agencies see their own commune's figures only.
        if request.user.admin_unit_id is None or request.user.admin_unit.level != "commune":
            raise PermissionDenied
        commune_code = request.user.admin_unit.code
    rows, _cached = selectors.statistics_cached(commune_code)
    return render(
        request,
        "land/statistics.html",
        {
            "rows": rows,
            "totals": selectors.statistics_totals(rows),
            "rules_verified": selectors.split_rules_verified(),
            "site_url": settings.SITE_URL,
        },
    )


@require_GET
@cache_control(public=True, max_age=3600)
def communes_geojson(request):
    """The 2025 commune boundaries, simplified (~100 m) for the map's overview zoom levels."""
    return HttpResponse(selectors.communes_overview_geojson(), content_type="application/geo+json")

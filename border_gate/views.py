"""Pages of the digital border gate: thin views over services (writes) and selectors (reads)."""

import datetime
import io
import uuid

import segno
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from border_gate import congestion, selectors, services
from border_gate.forms import (
    CallNextForm,
    CorrectionForm,
    DecisionForm,
    DeclarationForm,
    DriverFindForm,
    EnterpriseForm,
    FeeCalculatorForm,
    GoodsFormSet,
    LaneForm,
    StaffForm,
    apply_service_errors,
    declaration_data,
)
from border_gate.models import DRIVER_LANGUAGES, Crossing, DailyReport, Entry, EntryStep, StepDefinition
from core import ratelimit
from core.landing import Service, pillar_landing
from core.permissions import role_required
from core.users import roles

DECLARANT_ROLES = (roles.ENTERPRISE, roles.CITIZEN)
REPORT_ROLES = (roles.BORDER_OFFICER, roles.PROVINCE_LEADER, roles.DEPARTMENT_OFFICIAL)

# What the pillar offers, shown on its landing page (core.landing).
SERVICES = [
    Service(gettext_lazy("Khai báo trước khi xe đến"), "border_gate:declare", DECLARANT_ROLES),
    Service(gettext_lazy("Khai báo của tôi"), "border_gate:my_entries", DECLARANT_ROLES),
    Service(gettext_lazy("Doanh nghiệp và nhân viên"), "border_gate:enterprises", (roles.ENTERPRISE,)),
    Service(gettext_lazy("Tình hình các cửa khẩu (bảng công khai)"), "border_gate:public_board", None),
    Service(gettext_lazy("Tra cứu phí hạ tầng cửa khẩu"), "border_gate:fee_calculator", None),
    Service(gettext_lazy("Bàn làm việc của lực lượng cửa khẩu"), "border_gate:officer_home", (roles.BORDER_OFFICER,)),
    Service(gettext_lazy("Báo cáo ngày"), "border_gate:reports", REPORT_ROLES),
]


def index(request):
    return pillar_landing(
        request,
        pillar="border_gate",
        title=_("Cửa khẩu số"),
        services=SERVICES,
        with_indicators=False,
        board=selectors.public_board(),
    )


def _qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=5, dark="#1b1f23", light="#ffffff", border=2)


def _driver_url(request, entry) -> str:
    return request.build_absolute_uri(reverse("border_gate:driver", args=[entry.token]))


# -- public ----------------------------------------------------------------------------------------


def public_board(request):
    template = "border_gate/_public_rows.html" if request.htmx else "border_gate/public_board.html"
    return render(request, template, {"rows": selectors.public_board()})


@cache_control(max_age=10, public=True)
def live_json(request):
    """The live border panel for the operations centre (public, no personal data): per crossing
    waiting vehicles, congestion band, cleared today, trucks expected but not yet at the gate."""
    rows = selectors.public_board()
    return JsonResponse(
        {
            "generated_at": timezone.now().isoformat(),
            "bands": congestion.ranges(),
            "crossings": rows,
            "waiting_total": sum(r["waiting"] for r in rows),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _board_fragment(crossing, board: dict, *, public: bool) -> HttpResponse:
    """The polled board fragment (HX-Request), rendered once per stored board copy, language and
    audience, then served from the cache: polling tablets cost a cache read, not a template."""
    key = selectors.cache_key(
        "fragment", crossing.pk, "public" if public else "officer", get_language(), board["computed_at"]
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("border_gate/_board.html", {"board": board, "public": public})
        cache.set(key, html, timeout=60)
    return HttpResponse(html)


def crossing_board(request, code):
    crossing = get_object_or_404(Crossing, code=code, is_active=True)
    board = selectors.board(crossing)
    if request.htmx:
        return _board_fragment(crossing, board, public=True)
    return render(request, "border_gate/crossing_board.html", {"crossing": crossing, "board": board, "public": True})


def fee_calculator(request):
    form = FeeCalculatorForm(request.GET or None)
    quote = None
    error = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        containers = [int(d["container"])] if d["container"] else []
        weight = d["weight_kg"]
        # Each selected goods type is one line of the (mixed) load; the weight is the vehicle's total.
        goods = [(t, weight // len(d["goods_types"])) for t in d["goods_types"]]
        goods[0] = (goods[0][0], weight - sum(w for _t, w in goods[1:]))
        try:
            quote = services.fee_quote(
                regime=d["regime"], journey=d["journey"], goods=goods, container_sizes=containers
            )
        except services.BorderGateError as e:
            error = str(e)
    return render(
        request,
        "border_gate/fee_calculator.html",
        {"form": form, "quote": quote, "error": error, "tariff": services.active_tariff()},
    )


# The driver's page is read by drivers from both sides of the border: most on the import side read
# Chinese, so it offers Simplified Chinese besides the portal's two languages. The choice is a link
# (`?lang=`, no JavaScript needed), remembered for the driver pages only.
DRIVER_LANGUAGE_COOKIE = "portal_driver_language"


def _driver_language(request, entry: Entry | None) -> str:
    codes = {code for code, _label in DRIVER_LANGUAGES}
    for candidate in (request.GET.get("lang"), request.COOKIES.get(DRIVER_LANGUAGE_COOKIE)):
        if candidate in codes:
            return candidate
    if entry is not None and "portal_language" not in request.COOKIES and entry.driver_language in codes:
        return entry.driver_language
    return get_language() or "vi"


@never_cache
def driver_find(request):
    """The driver's way to their page without the link: the declaration code and their phone."""
    language = _driver_language(request, None)
    # `?lang=` alone only chooses the language: the form is bound once a code or phone is sent.
    form = DriverFindForm(request.GET if {"code", "phone"} & set(request.GET) else None)
    status = 200
    with translation.override(language):
        if form.is_bound and form.is_valid():
            if not ratelimit.allow(request, "driver-find", limit=30, window_seconds=3600):
                form.add_error(None, _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau một giờ."))
                status = 429
            else:
                entry = selectors.entry_for_driver(form.cleaned_data["code"], form.cleaned_data["phone"])
                if entry is not None:
                    return redirect(reverse("border_gate:driver", args=[entry.token]) + f"?lang={language}")
                form.add_error(None, _("Không tìm thấy lượt xe với mã và số điện thoại này."))
        elif form.is_bound:
            status = 400
        response = render(
            request,
            "border_gate/driver_find.html",
            {"form": form, "driver_languages": DRIVER_LANGUAGES, "driver_language": language},
            status=status,
        )
    response["Content-Language"] = language
    return response


@never_cache
def driver_page(request, token):
    entry = selectors.entry_by_token(token)
    if entry is None:
        raise Http404
    language = _driver_language(request, entry)
    with translation.override(language):
        context = {
            "entry": entry,
            "status": selectors.driver_status(entry),
            "qr": _qr_svg(_driver_url(request, entry)),
            "steps": selectors.entry_steps(entry),
            "driver_languages": DRIVER_LANGUAGES,
            "driver_language": language,
        }
        template = "border_gate/_driver_status.html" if request.htmx else "border_gate/driver.html"
        response = render(request, template, context)
    response["Content-Language"] = language
    if request.GET.get("lang") == language:
        response.set_cookie(
            DRIVER_LANGUAGE_COOKIE,
            language,
            max_age=60 * 60 * 24 * 365,
            path=reverse("border_gate:driver_find"),  # /…/d/: the driver pages only
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


@require_POST
def driver_pay(request, token):
    entry = selectors.entry_by_token(token)
    if entry is None:
        raise Http404
    try:
        payment = services.fee_request_payment(actor=request.user, entry=entry)
    except services.BorderGateError as e:
        messages.error(request, str(e))
        return redirect("border_gate:driver", token=token)
    return redirect(payment.get_absolute_url())


# -- declarants ------------------------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid() and goods.is_valid():
        enterprise = next((e for e in enterprises if e.pk == form.cleaned_data["enterprise"]), None)
        try:
            entry = services.entry_declare(
                actor=request.user,
                data=declaration_data(form, goods),
                enterprise=enterprise,
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as e:
            apply_service_errors(e, form, goods)
        except services.BorderGateError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Đã khai báo. Mã khai báo: %(code)s") % {"code": entry.code})
            return redirect("border_gate:entry", code=entry.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "border_gate/declare.html", {"form": form, "goods": goods}, status=status)


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


@role_required(*DECLARANT_ROLES)
def entry_correct(request, code):
    entry = _declarant_entry(request, code)
    form = CorrectionForm(request.POST or None, entry=entry, initial={"field_name": request.GET.get("field")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            version = services.entry_correct(
                actor=request.user,
                entry=entry,
                field_name=d["field_name"],
                value=d["value"],
                reason=d["reason"],
                line_no=d["line_no"],
            )
        except ValidationError as e:
            apply_service_errors(e, form)
        except services.BorderGateError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Đã lưu phiên bản %(n)d của khai báo.") % {"n": version.number})
            return redirect("border_gate:entry", code=entry.code)
    return render(
        request,
        "border_gate/correct.html",
        {"entry": entry, "form": form, "snapshot": services.entry_snapshot(entry)},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*DECLARANT_ROLES)
@require_POST
def entry_cancel(request, code):
    entry = _declarant_entry(request, code)
    try:
        services.entry_cancel(actor=request.user, entry=entry, reason=request.POST.get("reason", "")[:300])
        messages.success(request, _("Đã hủy khai báo."))
    except services.BorderGateError as e:
        messages.error(request, str(e))
    return redirect("border_gate:entry", code=entry.code)


@role_required(*DECLARANT_ROLES)
@require_POST
def entry_pay(request, code):
    entry = _declarant_entry(request, code)
    try:
        payment = services.fee_request_payment(actor=request.user, entry=entry)
    except services.BorderGateError as e:
        messages.error(request, str(e))
        return redirect("border_gate:entry", code=entry.code)
    return redirect(payment.get_absolute_url())


@role_required(roles.ENTERPRISE)
def enterprises(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_register(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(e, form)
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
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        except services.BorderGateError as e:
            messages.error(request, str(e))
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect("border_gate:enterprises")


# -- officers --------------------------------------------------------------------------------------


def _scope(request) -> services.OfficerScope:
    scope = services.officer_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


@role_required(roles.BORDER_OFFICER)
def officer_home(request):
    scope = _scope(request)
    query = request.GET.get("q", "")
    results = selectors.find_for_officer(request.user, query) if "q" in request.GET else None
    # A scanned QR code names exactly one truck: open it, as an officer with a scanner expects.
    if results and len(results) == 1 and selectors.driver_token_in(query) == results[0].token:
        return redirect("border_gate:officer_entry", results[0].code)
    steps = selectors.officer_steps(request.user)
    counts = selectors.queue_counts(steps)
    return render(
        request,
        "border_gate/officer/home.html",
        {
            "scope": scope,
            "steps": [(s, counts.get(s.pk, 0)) for s in steps],
            "taken": selectors.taken_by(request.user),
            "query": query,
            "results": results,
        },
    )


def _officer_step(request, step_id) -> StepDefinition:
    step = get_object_or_404(StepDefinition.objects.select_related("crossing"), pk=step_id)
    if not _scope(request).allows(step):
        raise Http404
    return step


@role_required(roles.BORDER_OFFICER)
def officer_step(request, step_id):
    step = _officer_step(request, step_id)
    return render(request, "border_gate/officer/step.html", {"step": step, "queue": selectors.step_queue(step)})


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_take_next(request, step_id):
    step = _officer_step(request, step_id)
    es = services.step_take_next(officer=request.user, step=step)
    if es is None:
        messages.info(request, _("Không còn xe nào chờ ở bước này."))
        return redirect("border_gate:officer_step", step_id=step.pk)
    return redirect("border_gate:officer_entry", code=es.entry.code)


def _officer_entry(request, code):
    entry = selectors.entries_for_officer(request.user).filter(code=code).first()
    if entry is None:
        raise Http404
    return entry


def _officer_entry_page(request, entry, *, form=None, status=200):
    scope = _scope(request)
    current = entry.current_step
    # A refused decision is shown in its form, with the reason, whoever posted it.
    mine = current is not None and (scope.allows(current.step) or form is not None)
    taken_by_me = mine and current.status == EntryStep.Status.TAKEN and current.taken_by_id == request.user.pk
    if form is None:
        # Not taken yet: the decision form takes the step in the same request (`take`), so an
        # officer who decides at once needs one request instead of two; "Nhận xử lý" stays for
        # reserving the truck while inspecting it.
        form = DecisionForm(
            crossing_id=entry.crossing_id,
            initial={"entry_step": getattr(current, "pk", None), "take": mine and not taken_by_me},
        )
    else:
        form.set_crossing(entry.crossing_id)
    versions = selectors.entry_versions(entry)
    return render(
        request,
        "border_gate/officer/entry.html",
        {
            "entry": entry,
            "current": current,
            "mine": mine,
            "taken_by_me": taken_by_me,
            "form": form,
            "lane_form": LaneForm(initial={"lane": entry.lane or None}, auto_id="id_laneform_%s"),
            "versions": versions,
            "corrections": [ver for ver in versions if ver.number > 1],
            "steps": selectors.entry_steps(entry),
            "history": selectors.entry_history(entry),
        },
        status=status,
    )


@role_required(roles.BORDER_OFFICER)
def officer_entry(request, code):
    return _officer_entry_page(request, _officer_entry(request, code))


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_take(request, code):
    entry = _officer_entry(request, code)
    if entry.current_step is None:
        messages.error(request, _("Lượt xe không còn bước nào chờ xử lý."))
    else:
        try:
            services.step_take(officer=request.user, entry_step=entry.current_step)
        except services.BorderGateError as e:
            messages.error(request, str(e))
    return redirect("border_gate:officer_entry", code=entry.code)


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_release(request, code):
    entry = _officer_entry(request, code)
    if entry.current_step is not None:
        services.step_release(officer=request.user, entry_step=entry.current_step)
    return redirect("border_gate:officer_home")


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_lane(request, code):
    _scope(request)
    form = LaneForm(request.POST)
    if form.is_valid():
        try:
            entry = services.customs_assign_lane(actor=request.user, code=code, lane=form.cleaned_data["lane"])
            if entry.inspection_required:
                messages.warning(request, _("Xe phải kiểm tra thực tế trước khi cho qua."))
        except Entry.DoesNotExist:
            raise Http404 from None
        except (services.BorderGateError, ValidationError) as e:
            messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
    else:
        _officer_entry(request, code)  # 404 for an entry the officer may not see
        messages.error(request, _("Chọn luồng."))
    return redirect("border_gate:officer_entry", code=code)


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_decide(request, code):
    """One POST per step: the service finds the entry by its code within the officer's crossing
    and locks it in one statement (the full entry is loaded only to re-render a refused form)."""
    scope = _scope(request)
    form = DecisionForm(request.POST, crossing_id=scope.crossing.pk if scope.crossing else None)
    if form.is_valid():
        d = form.cleaned_data
        data = {k: d[k] for k in ("certificate_number", "inspection_result", "receipt_number", "note")}
        data["yard"] = d["yard"].pk if d["yard"] else None
        try:
            if d["lane"]:
                # Committed first, in its own transaction: a pass refused below (the lane or the
                # random draw requires an inspection) must not roll the lane back, or submitting
                # again would draw the random inspection again.
                services.customs_assign_lane(actor=request.user, code=code, lane=d["lane"])
            es = services.step_decide(
                actor=request.user,
                code=code,
                entry_step_id=d["entry_step"],
                decision=d["decision"],
                data=data,
                reason=d["reason"],
                take=d["take"],
            )
        except (Entry.DoesNotExist, EntryStep.DoesNotExist):
            raise Http404 from None
        except ValidationError as e:
            apply_service_errors(e, form)
        except services.BorderGateError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Đã ghi quyết định cho %(code)s.") % {"code": code})
            return redirect("border_gate:officer_step", step_id=es.step_id)
    # Re-render with the officer's input and field errors (nothing was recorded: one transaction).
    return _officer_entry_page(request, _officer_entry(request, code), form=form, status=400)


@role_required(roles.BORDER_OFFICER)
def officer_board(request):
    scope = _scope(request)
    crossings = [scope.crossing] if scope.crossing else list(Crossing.objects.filter(is_active=True))
    code = request.GET.get("crossing")
    crossing = next((c for c in crossings if c.code == code), crossings[0])
    board = selectors.board(crossing)
    if request.htmx:
        return _board_fragment(crossing, board, public=False)
    context = {
        "crossing": crossing,
        "crossings": crossings,
        "board": board,
        "public": False,
        "call_form": CallNextForm(initial={"call_key": uuid.uuid4().hex, "count": 5}),
        "can_call": scope.force in (None, "gate_board", "border_guard"),
    }
    return render(request, "border_gate/officer/board.html", context)


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_call_next(request, code):
    crossing = get_object_or_404(Crossing, code=code)
    form = CallNextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn chiều và số xe (1–50)."))
    elif not cache.add(f"border_gate:call:{request.user.pk}:{form.cleaned_data['call_key']}", 1, timeout=600):
        messages.info(request, _("Lệnh gọi xe này đã được thực hiện."))  # double submit
    else:
        try:
            called = services.queue_call_next(
                actor=request.user,
                crossing=crossing,
                direction=form.cleaned_data["direction"],
                count=form.cleaned_data["count"],
            )
            messages.success(
                request,
                _("Đã gọi %(n)d xe: %(plates)s")
                % {"n": len(called), "plates": ", ".join(e.vehicle.plate_display for e in called)},
            )
        except services.BorderGateError as e:
            messages.error(request, str(e))
    return redirect(f"{reverse('border_gate:officer_board')}?crossing={crossing.code}")


# -- reports ---------------------------------------------------------------------------------------


@role_required(*REPORT_ROLES)
def reports(request):
    return render(request, "border_gate/reports.html", {"reports": selectors.reports()})


@role_required(*REPORT_ROLES)
def report_xlsx(request, date):
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    report = get_object_or_404(DailyReport, date=day)
    from border_gate.reports import report_workbook

    buffer = io.BytesIO()
    report_workbook(report).save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-cua-khau-{day:%Y-%m-%d}.xlsx"'
    return response

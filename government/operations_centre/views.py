"""The provincial operations centre (IOC): thin views over its selectors and services and the snapshot
job every pillar shares (core.indicators.services).

It never imports a pillar: figures come from the registry (metadata) and the snapshot tables, the
pillars' live panels from the registry too (a panel's live feed is a URL its pillar publishes, looked
up by name and fetched by the browser).
"""

import csv
import io
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from core.errors import apply_to_form
from core.indicators import registry
from core.indicators import services as snapshots
from core.indicators.models import SnapshotRun
from core.permissions import role_required, user_has_role
from core.users import roles
from government.operations_centre import caching, exports, selectors, services
from government.operations_centre.forms import DtiEntryForm
from government.operations_centre.models import DtiFramework, DtiNode

ROLES = selectors.ROLES
# Who enters DTI self-assessment values: the Department of Science and Technology (it submits the
# province's DTI data on dti.gov.vn) and system administrators.
DTI_AGENCY = "so-khcn"
DEFAULT_MAP_INDICATOR = "economy.households.digital_shop_share"


OLD_PREFIX = "/government/ioc/"


def moved(request, rest: str):
    """The operations centre's addresses before ADR 1002 (/government/ioc/…): bookmarks, links in sent
    e-mails and exported documents keep working: 301 for a read; 308 for anything else, which keeps
    the method and body, so a form posted to an old address reaches the new one as a POST."""
    # The request's own (still percent-encoded) path and query after the old prefix.
    target = reverse("operations_centre:dashboard") + request.get_full_path_info()[len(OLD_PREFIX) :]
    return HttpResponsePermanentRedirect(target, preserve_request=request.method not in ("GET", "HEAD"))


def _map_indicator(key: str | None):
    candidates = selectors.map_indicators()
    by_code = {i.code: i for i in candidates}
    if key in by_code:
        return by_code[key], candidates
    if DEFAULT_MAP_INDICATOR in by_code:
        return by_code[DEFAULT_MAP_INDICATOR], candidates
    return (candidates[0] if candidates else None), candidates


def spark_points(values: list, width: int = 120, height: int = 28) -> str:
    """SVG polyline points for a sparkline (server-side: no JavaScript needed for the tiles)."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    lo, hi = min(v for _i, v in known), max(v for _i, v in known)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}" for i, v in known)


def _view_state(request, code=None):
    """Everything the dashboard, its exports and its JSON endpoints share: scope, period, indicator."""
    scope = selectors.scope_for(request.user, code)
    period = selectors.resolve_period(request.GET.get("period"))
    indicator, candidates = _map_indicator(request.GET.get("indicator"))
    return scope, period, indicator, candidates


def _dashboard_data(scope, period, indicator) -> dict:
    """The figures of the dashboard: tiles with sparklines, the map indicator's ranking and series,
    the border panel (read from snapshots only)."""
    blocks = selectors.dashboard_tiles(scope=scope, period=period)
    for block in blocks:
        for tile in block.tiles:
            tile.points = spark_points(tile.spark)
    ranking, series = [], []
    if indicator is not None:
        if scope.is_province:
            ranking = selectors.commune_ranking(indicator.code, period=period)
        series = selectors.series([indicator.code], commune_code=scope.commune_code, period=period, max_points=120)[
            indicator.code
        ]
    return {
        "blocks": blocks,
        "ranking": ranking,
        "series_json": [[end.isoformat(), value] for end, value in series],
        "ranking_json": [[r["name"], r["value"], r["code"]] for r in ranking],
        "panels": selectors.panels() if scope.is_province else [],
    }


def _dashboard_page(scope, period, indicator, candidates) -> dict[str, str]:
    """Everything of the dashboard page that is the same for every official who sees this scope:
    the head (styles), the content (filters, actions, tiles, map, ranking, border panel, the
    script's configuration) and the scripts, rendered once per snapshot generation, scope (and
    whether it is locked to the official's commune), period, map indicator and language.

    Served from this process's memory, else Redis (caching), so between snapshot
    runs a page view costs the session, the user and role rows and the site header, the only
    per-user part (name, menu by role, CSRF token), which the page template adds around these parts
    (bench/operations_centre). Nothing rendered here may depend on the user or the request."""
    key = snapshots.cache_key(
        f"dashboard-page:{snapshots.generation()}:{scope.key}:{'locked' if scope.locked else 'open'}:"
        f"{period.key}:{period.end:%Y%m%d%H}:{indicator.code if indicator else '-'}:{get_language()}"
    )

    def render_parts() -> dict[str, str]:
        query = urlencode({"period": period.key, **({"indicator": indicator.code} if indicator else {})})
        context = {
            "scope": scope,
            "period": period,
            "periods": selectors.period_choices(),
            "indicator": indicator,
            "map_indicators": candidates,
            "query": query,
            "export_base": reverse("operations_centre:commune", args=[scope.commune_code])
            if not scope.is_province and not scope.locked
            else reverse("operations_centre:dashboard"),
            "can_refresh": True,
            **_dashboard_data(scope, period, indicator),
        }
        return {
            part: str(render_to_string(f"operations_centre/_dashboard_{part}.html", context, request=None))
            for part in ("head", "content", "scripts")
        }

    return caching.get_or_compute(key, selectors.CACHE_SECONDS, render_parts)


@role_required(*ROLES)
def dashboard(request, code: int | None = None):
    scope, period, indicator, candidates = _view_state(request, code)
    page = _dashboard_page(scope, period, indicator, candidates)
    # The parts were rendered by our own templates (autoescaped) and only cached as strings.
    parts = {part: mark_safe(html) for part, html in page.items()}  # nosec B308 B703: our autoescaped templates
    # Per person, outside the cached parts: a pillar's follow-up pages this official may open.
    links = [(link.label, reverse(link.url_name)) for link in registry.follow_up_links_for(request.user)]
    return render(request, "operations_centre/dashboard.html", {"scope": scope, "page": parts, "follow_up": links})


@role_required(*ROLES)
@cache_control(private=True, max_age=3600)
def communes_geojson(request):
    return HttpResponse(selectors.geojson_communes(), content_type="application/geo+json")


@role_required(*ROLES)
def map_values(request):
    """The chosen indicator's value per commune (a commune official gets only their own commune)."""
    scope = selectors.scope_for(request.user, None)
    period = selectors.resolve_period(request.GET.get("period"))
    indicator, _candidates = _map_indicator(request.GET.get("indicator"))
    if indicator is None:
        return JsonResponse({"indicator": None, "values": {}})
    # The same for every official of the scope until the next snapshot run: cached per generation
    # like the dashboard's parts (the dashboard's script asks for it on every page view).
    key = snapshots.cache_key(
        f"map-values:{snapshots.generation()}:{scope.key}:{period.key}:{period.end:%Y%m%d%H}:{indicator.code}:"
        f"{get_language()}"
    )
    return JsonResponse(
        caching.get_or_compute(key, selectors.CACHE_SECONDS, lambda: _map_values_payload(scope, period, indicator))
    )


def _map_values_payload(scope, period, indicator) -> dict:
    data = selectors.commune_values(indicator.code, period=period)
    values = data["values"]
    if not scope.is_province:
        values = {c: v for c, v in values.items() if c == scope.commune_code}
    ranking = (
        [[r["name"], r["value"], r["code"]] for r in selectors.commune_ranking(indicator.code, period=period)]
        if scope.is_province
        else []
    )
    series = selectors.series([indicator.code], commune_code=scope.commune_code, period=period, max_points=120)
    return {
        "indicator": indicator.code,
        "name": str(indicator.name),
        "unit": str(indicator.unit),
        "higher_is_better": indicator.higher_is_better,
        "as_of": data["as_of"].isoformat() if data["as_of"] else None,
        "values": {str(c): v for c, v in values.items()},
        "ranking": ranking,
        "series": [[end.isoformat(), v] for end, v in series[indicator.code]],
    }


@role_required(*ROLES)
def panel(request, code: str):
    """A pillar's panel fragment from snapshots (no-JavaScript refresh, and the fallback when the
    pillar's live feed is unavailable)."""
    try:
        panel = registry.get_panel(code)
    except KeyError:
        raise Http404 from None
    return render(
        request,
        "operations_centre/_panel_table.html",
        {"panel": panel, "groups": selectors.panel_groups(panel)},
    )


@require_POST
@role_required(*ROLES)
def refresh(request, indicator_code: str):
    try:
        run = snapshots.snapshot_refresh_request(indicator_code=indicator_code, actor=request.user)
    except KeyError:
        raise Http404 from None
    return redirect("operations_centre:run", pk=run.pk)


@role_required(*ROLES)
def run_detail(request, pk: int):
    run = get_object_or_404(SnapshotRun, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "id": run.pk,
                "status": run.status,
                "percent": run.percent,
                "completed_steps": run.completed_steps,
                "total_steps": run.total_steps,
                "error": run.error if run.status == SnapshotRun.Status.FAILED else "",
                "finished": run.status in (SnapshotRun.Status.DONE, SnapshotRun.Status.FAILED),
            }
        )
    try:
        indicator = registry.get(run.indicator_code) if run.indicator_code else None
    except KeyError:
        indicator = None
    return render(request, "operations_centre/run.html", {"run": run, "indicator": indicator})


@require_POST
@role_required(*ROLES)
def run_retry(request, pk: int):
    run = get_object_or_404(SnapshotRun, pk=pk)
    try:
        snapshots.snapshot_run_retry(run=run, actor=request.user)
    except snapshots.SnapshotError:
        messages.info(request, _("Lượt tính này không ở trạng thái lỗi."))
    return redirect("operations_centre:run", pk=run.pk)


# --- exports ---------------------------------------------------------------------------------------------


def _export_data(request, code):
    scope, period, indicator, _candidates = _view_state(request, code)
    blocks = selectors.dashboard_tiles(scope=scope, period=period)
    ranking = selectors.commune_ranking(indicator.code, period=period) if indicator and scope.is_province else []
    series = (
        selectors.series([indicator.code], commune_code=scope.commune_code, period=period, max_points=400)[
            indicator.code
        ]
        if indicator
        else []
    )
    return {
        "scope": scope,
        "period": period,
        "blocks": blocks,
        "indicator": indicator,
        "ranking": ranking,
        "series": series,
        "generated_at": timezone.now(),
        "user": request.user,
    }


def _filename(data, ext: str) -> str:
    where = "tinh" if data["scope"].is_province else f"xa-{data['scope'].commune_code}"
    return f"ioc-{where}-{data['period'].key}-{timezone.localdate():%Y%m%d}.{ext}"


@role_required(*ROLES)
def export_xlsx(request, code: int | None = None):
    data = _export_data(request, code)
    response = HttpResponse(
        exports.dashboard_xlsx(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(data, "xlsx")}"'
    return response


@role_required(*ROLES)
def export_pdf(request, code: int | None = None):
    from core.pdf import render_pdf

    data = _export_data(request, code)
    pdf = render_pdf("operations_centre/pdf.html", data)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(data, "pdf")}"'
    return response


# --- public statistics (no login, no personal data) -------------------------------------------------------

OPEN_DATA_LICENCE = "CC BY 4.0"
OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.vi"


def _public_period(request):
    return selectors.resolve_period(request.GET.get("period") or "365d")


def public_statistics(request):
    period = _public_period(request)
    # Everything but the site header is the same for every visitor: rendered once per snapshot
    # generation, period and language (see _dashboard_page).
    key = snapshots.cache_key(
        f"public-page:{snapshots.generation()}:{period.key}:{period.end:%Y%m%d%H}:{get_language()}"
    )

    def render_content() -> str:
        blocks = selectors.dashboard_tiles(scope=selectors.Scope(), period=period, public_only=True)
        for block in blocks:
            for tile in block.tiles:
                tile.points = spark_points(tile.spark)
        context = {
            "blocks": blocks,
            "period": period,
            "periods": selectors.period_choices(),
            "licence": OPEN_DATA_LICENCE,
            "licence_url": OPEN_DATA_LICENCE_URL,
        }
        return str(render_to_string("operations_centre/_public_content.html", context, request=None))

    content = caching.get_or_compute(key, selectors.CACHE_SECONDS, render_content)
    # Rendered by our own (autoescaping) template, cached as a string.
    return render(request, "operations_centre/public.html", {"content": mark_safe(content)})  # nosec B308 B703: our template


def _public_rows(request):
    period = _public_period(request)
    indicators = selectors.visible_indicators(selectors.Scope(), public_only=True)
    codes = [i.code for i in indicators]
    history = selectors.series(codes, commune_code=None, period=period, max_points=400)
    for indicator in indicators:
        for end, value in history.get(indicator.code, []):
            yield indicator, end, value


@cache_control(public=True, max_age=600)
def public_csv(request):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["indicator_code", "pillar", "name", "unit", "period_end", "value", "licence"])
    for indicator, end, value in _public_rows(request):
        writer.writerow(
            [
                indicator.code,
                indicator.pillar,
                str(indicator.name),
                str(indicator.unit),
                end.isoformat(),
                value,
                OPEN_DATA_LICENCE,
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lang-son-chi-tieu-chuyen-doi-so.csv"'
    return response


@cache_control(public=True, max_age=600)
def public_json(request):
    indicators: dict[str, dict] = {}
    for indicator, end, value in _public_rows(request):
        item = indicators.setdefault(
            indicator.code,
            {
                "code": indicator.code,
                "pillar": indicator.pillar,
                "name": str(indicator.name),
                "unit": str(indicator.unit),
                "history": [],
            },
        )
        item["history"].append({"period_end": end.isoformat(), "value": value})
    payload = {
        "publisher": "UBND tỉnh Lạng Sơn — Cổng chuyển đổi số",
        "licence": OPEN_DATA_LICENCE,
        "licence_url": OPEN_DATA_LICENCE_URL,
        "generated_at": timezone.now().isoformat(),
        "indicators": list(indicators.values()),
    }
    response = HttpResponse(json.dumps(payload, ensure_ascii=False), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lang-son-chi-tieu-chuyen-doi-so.json"'
    return response


# --- DTI self-assessment ----------------------------------------------------------------------------------


def can_enter_dti(user) -> bool:
    if user_has_role(user, roles.SYSTEM_ADMIN):
        return True
    return user_has_role(user, roles.DEPARTMENT_OFFICIAL) and getattr(user.agency, "code", "") == DTI_AGENCY


def _dti_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2020), timezone.localdate().year)


@role_required(*ROLES)
def dti(request):
    framework = DtiFramework.objects.filter(is_current=True).first()
    if framework is None:
        raise Http404
    year = _dti_year(request)
    assessment = selectors.dti_assessment(framework, year)
    score = selectors.dti_score(assessment)
    return render(
        request,
        "operations_centre/dti.html",
        {
            "framework": framework,
            "assessment": assessment,
            "score": score,
            "year": year,
            "years": range(timezone.localdate().year, 2020, -1),
            "can_enter": can_enter_dti(request.user),
        },
    )


@role_required(*ROLES)
def dti_entry(request, year: int, node_code: str):
    if not can_enter_dti(request.user):
        raise PermissionDenied
    framework = DtiFramework.objects.filter(is_current=True).first()
    node = get_object_or_404(DtiNode, framework=framework, code=node_code, kind=DtiNode.Kind.SUB)
    if not 2020 <= year <= timezone.localdate().year:
        raise Http404
    form = DtiEntryForm(request.POST or None, request.FILES or None, node=node)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dti_value_enter(
                year=year,
                node=node,
                value=data["value"],
                note=data["note"],
                actor=request.user,
                evidence_file=data.get("evidence_file"),
                evidence_url=data.get("evidence_url", ""),
            )
        except services.DtiError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu số liệu tự đánh giá chỉ số %(code)s.") % {"code": node.code})
            return redirect(f"{reverse('operations_centre:dti')}?year={year}#dti-{node.code}")
    assessment = selectors.dti_assessment(framework, year)
    history = selectors.dti_entries(assessment).filter(node=node).select_related("entered_by")[:20]
    return render(
        request,
        "operations_centre/dti_entry.html",
        {"node": node, "assessment": assessment, "form": form, "history": history, "year": year},
    )

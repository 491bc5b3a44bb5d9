from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core import health
from core.home import panel_contexts
from core.request_context import current_request_meta


def home(request):
    """Role-aware home: the panels registered in core.home that the user's roles allow (a citizen's
    services and dossiers, an official's work and dashboard); anonymous visitors see what the portal
    offers and how to sign in or register."""
    user = request.user
    context = {
        "panels": panel_contexts(request) if user.is_authenticated else [],
        "is_official": user.is_authenticated and user.is_official,
    }
    return render(request, "core/home.html", context)


@never_cache
def health_view(request):
    report = health.cached_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def bare_query_view(request):
    """Benchmark baseline (bench/): one single-row query, no template, no middleware work beyond
    the stack every page pays. Kept in the app so the baseline runs with the same configuration,
    but never in production (core/urls.py routes it only outside production; this guards a reuse)."""
    if settings.PRODUCTION:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from geo_administrativeunit where id = %s", [1])
        (count,) = cursor.fetchone()
    return JsonResponse({"count": count})


def _api_error(request, status: int, message) -> JsonResponse | None:
    """Under /api/ an error is the API's JSON body (`{"detail": ...}`, as in the schema), never the
    HTML page: a client reads JSON, and the page's menu assumes a person, not an API key."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=status)
    return None


def error_400(request, exception=None):
    return _api_error(request, 400, _("Yêu cầu không hợp lệ")) or render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    message = _("Bạn không có quyền truy cập trang này")
    return _api_error(request, 403, message) or render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return _api_error(request, 404, _("Không tìm thấy trang")) or render(request, "errors/404.html", status=404)


def error_500(request):
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(_("Hệ thống đang gặp sự cố"))}, status=500)
    # No request context: the failure may be the database or the session store, which the context
    # processors (menu by role) would touch again.
    html = loader.get_template("errors/500.html").render({"request_id": current_request_meta().get("request_id", "")})
    return HttpResponseServerError(html)

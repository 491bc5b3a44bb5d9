"""Input that no page and no endpoint of the portal can use, refused once for all of them before any
view runs (issue 9, "Input").

- A NUL character: PostgreSQL cannot store it in text, so psycopg raises while the query is built and
  a lookup by a code from the path, a filter from the query string, a search box or a session cookie
  became a 500. No one types a NUL; it only arrives from tools and attackers.
- A request body larger than anything the portal accepts (the largest upload it takes plus the form
  around it): refused from its Content-Length, before a byte is read or spooled to disk.

Answered with a 400 (413 for the size) in the user's language, as JSON under /api/ (the API's
`{"detail": ...}` body) and as the error page elsewhere; the view never runs, so nothing is written.
Field-level checks (lengths, formats, numbers) stay with the forms and serializers; what DRF parses
from JSON is checked by `core.api.PortalJSONParser`."""

from django.conf import settings
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(value: str) -> bool:
    return "\x00" in value


def _problem(request) -> tuple[int, str] | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400, _("Độ dài nội dung của yêu cầu không hợp lệ.")
    if length > settings.PORTAL_MAX_REQUEST_BYTES:
        return 413, _("Yêu cầu quá lớn (tối đa %(mb)s MB).") % {"mb": settings.PORTAL_MAX_REQUEST_BYTES // 1048576}
    message = _("Yêu cầu chứa ký tự không hợp lệ (NUL).")
    if _has_nul(request.path_info):
        return 400, message
    # Headers (an API key, a cookie) reach database lookups too.
    if any(_has_nul(v) for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)):
        return 400, message
    if any(_has_nul(k) or any(_has_nul(v) for v in values) for k, values in request.GET.lists()):
        return 400, message
    return None


def refusal(request, status: int, message: str):
    """The 400/413 answer, shaped like the API's errors under /api/ and like the error page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "errors/400.html", {"message": message, "status": status}, status=status)


def _form_problem(request) -> tuple[int, str] | None:
    # Parsing here is what CsrfViewMiddleware (just before) has done for a protected view; DRF reuses it.
    try:
        fields = list(request.POST.lists())
        files = [f for _name, uploaded in request.FILES.lists() for f in uploaded]
    except MultiPartParserError:
        return 400, _("Nội dung biểu mẫu gửi lên không đọc được.")
    if any(_has_nul(k) or any(_has_nul(v) for v in values) for k, values in fields):
        return 400, _("Yêu cầu chứa ký tự không hợp lệ (NUL).")
    if any(_has_nul(f.name or "") for f in files):
        return 400, _("Yêu cầu chứa ký tự không hợp lệ (NUL).")
    return None


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _problem(request)
        if problem is not None:
            return refusal(request, *problem)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return None
        if getattr(view_func, "csrf_exempt", False) and not hasattr(view_func, "cls"):
            # A CSRF-exempt view that is not DRF's (a signed server-to-server callback) may read its
            # raw body itself, which parsing the form here would consume.
            return None
        problem = _form_problem(request)
        return refusal(request, *problem) if problem is not None else None

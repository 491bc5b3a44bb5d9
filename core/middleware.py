import logging
import time

from core import http
from core.request_context import reset_request_meta, set_request_meta

logger = logging.getLogger("portal.request")


class RequestLogMiddleware:
    """Assigns a request id (kept from X-Request-ID when it is short and well formed, core.http),
    exposes it and the client's address behind the trusted proxies to audit rows, and writes one
    structured log line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = http.request_id(request)
        ip = http.client_ip(request)
        token = set_request_meta({"request_id": request_id, "ip": ip})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            reset_request_meta(token)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": logged_path(request),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "ip": ip,
            },
        )
        return response


def logged_path(request) -> str:
    """The request's path for the log, with a secret it carries masked: a URL parameter named `token`
    (a calendar subscription's key, government.meetings) is a credential, and logs are read by more
    people than the keys' owners."""
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    if isinstance(token, str) and token:
        return request.path.replace(token, "[token]")
    return request.path

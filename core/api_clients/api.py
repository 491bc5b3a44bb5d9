"""The DRF side of machine clients: `Authorization: Api-Key <key>` authentication, the permission
that a client may use the view's data service (and is within its rate limit), and `ClientAPIView`,
the base of every key-authenticated endpoint, which writes one call-log row per call, allowed or
refused, after the response is rendered (its size known)."""

from __future__ import annotations

import time

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from core import http
from core.api_clients import services
from core.api_clients.models import ApiKey

KEYWORD = "Api-Key"
MAX_LOGGED_PARAM = 200


class ClientPrincipal:
    """request.user of a key-authenticated call: an organisation's system, not a person."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_official = False
    pk = None

    def __init__(self, key: ApiKey):
        self.key = key
        self.client = key.client

    def has_role(self, *names):
        return False

    def has_perm(self, *args, **kwargs):
        return False

    @property
    def role_names(self):
        return set()

    def __str__(self):
        return label(self.key)


def label(key: ApiKey | None) -> str:
    """How a call appears as the actor of an audit row."""
    return f"api-key:{key.prefix} ({key.client.organisation})" if key is not None else "api-key:invalid"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(self.keyword + " "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        key = services.authenticate(raw)
        if key is None:
            request._presented_prefix = services.key_prefix_of(raw)
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ, đã hết hạn hoặc đã bị thu hồi."))
        return ClientPrincipal(key), key

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "core.api_clients.api.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Api-Key <key>`: the key of a registered machine client (LGSP consumer, yard operator, "
                "customs system), issued by its owning agency, limited to its data services and units."
            ),
        }


class RateLimited(exceptions.Throttled):
    default_detail = ""

    def __init__(self, wait):
        super().__init__(wait=wait, detail=_("Hệ thống đã vượt giới hạn lượt gọi mỗi phút; thử lại sau."))


class ServiceAllowed(BasePermission):
    """The client may use the view's data service (`view.service`), then counts against its limit."""

    message = _("Khóa API không có quyền dùng dịch vụ dữ liệu này.")

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey) or not key.client.allows(view.get_service()):
            return False
        allowed, retry = services.rate_allow(key.client)
        if not allowed:
            raise RateLimited(wait=retry)
        return True


def _rows(data) -> int | None:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return len(data["results"])
    if isinstance(data, list):
        return len(data)
    return None


class ClientAPIView(APIView):
    """Base of key-authenticated endpoints. Subclasses name their data service (`service`)."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [ServiceAllowed]
    service = ""

    def get_service(self) -> str:
        return self.service

    def initial(self, request, *args, **kwargs):
        request._call_started = time.monotonic()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        started = getattr(request, "_call_started", None) or time.monotonic()
        key = getattr(request, "_auth", None)
        key = key if isinstance(key, ApiKey) else None
        presented = getattr(request, "_presented_prefix", "")
        params = {
            name: [v[:MAX_LOGGED_PARAM] for v in values][:10]
            for name, values in list(request.query_params.lists())[:20]
        }
        rows = _rows(getattr(response, "data", None)) if response.status_code < 400 else None
        meta = {
            "key": key,
            "key_prefix": presented,
            "service": self.get_service(),
            "method": request.method,
            "path": request.path,
            "params": params,
            "ip": http.client_ip(request),
        }

        def write(rendered):
            services.call_log(
                **meta,
                status=rendered.status_code,
                rows=rows,
                size_bytes=len(rendered.content) if hasattr(rendered, "content") else 0,
                duration_ms=int((time.monotonic() - started) * 1000),
            )

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(write)
        else:
            write(response)
        return response

    def key_label(self) -> str:
        return label(self.request.auth)

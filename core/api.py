"""The API's shared machinery: the exception handler (one place that maps errors to responses), the
JSON parser every endpoint uses, the pagination base and the schema's error responses."""

import json
import math
import re

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ParseError, PermissionDenied, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.errors import NotAllowedError, NotFoundError, ServiceError

INT64_MAX = 2**63 - 1


def exception_handler(exc, context):
    """DRF's handler, plus a guarantee: validation errors are always field-level dicts
    (`{"field": ["message"]}`) with `non_field_errors` for the rest, translated to the user's
    language by the LocaleMiddleware. A service's refusal (`core.errors.ServiceError`) is mapped here,
    in one place, to its status code and the same field-level body."""
    # Imported here, not at the top: rest_framework.views reads DEFAULT_PARSER_CLASSES when it is
    # first imported, and that setting names a class of this module (a circular import otherwise,
    # seen when `manage.py check` is the first thing to touch DRF).
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, NotFoundError):
        # DRF's own 404 body, the one a missing object has answered with everywhere so far.
        exc = NotFound(exc.message or None)
    elif isinstance(exc, NotAllowedError) and not exc.as_dict():
        exc = PermissionDenied()  # a refusal without a message: DRF's own 403 body
    elif isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status_code)
    elif isinstance(exc, RequestDataTooBig):  # Django's own cap, met while DRF reads the body
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # too many fields or files, a malformed body...
        exc = ParseError(_("Yêu cầu không hợp lệ"))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


# --- input ------------------------------------------------------------------------------------------


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("Nội dung gửi lên quá lớn.")
    default_code = "too_large"


# NUL cannot be stored by PostgreSQL; a lone surrogate (a "\ud800" escape) cannot be encoded as UTF-8.
# Either one reached psycopg as a 500.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses as infinity, which neither JSON nor PostgreSQL can hold
        raise ValueError(_("Số quá lớn."))
    return value


def _int64(text: str) -> int:
    # Python reads an integer of any size; every integer column and id of the portal is 64-bit at most.
    if len(text.lstrip("-")) > 19 or abs(value := int(text)) > INT64_MAX:
        raise ValueError(_("Số nguyên vượt quá giới hạn 64 bit."))
    return value


def _refuse_constant(name: str):
    raise ValueError(_("NaN và Infinity không phải giá trị JSON hợp lệ."))


def check_json_value(value, *, max_depth: int) -> None:
    """Raise ParseError when `value` (parsed JSON) nests deeper than `max_depth` or holds a string
    PostgreSQL cannot store. Iterative: a deep document must not exhaust the stack here either."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise ParseError(_("JSON lồng quá %(n)s cấp.") % {"n": max_depth})
            children = item.items() if isinstance(item, dict) else ((None, v) for v in item)
            for key, child in children:
                if key is not None and _UNSTORABLE.search(key):
                    raise ParseError(_("Nội dung chứa ký tự không hợp lệ."))
                stack.append((child, depth + 1))
        elif isinstance(item, str) and _UNSTORABLE.search(item):
            raise ParseError(_("Nội dung chứa ký tự không hợp lệ."))


class PortalJSONParser(JSONParser):
    """DRF's JSON parser with the limits of what the portal can store (every endpoint's parser):
    a body of at most PORTAL_API_MAX_JSON_BYTES (413 above, read no further), nesting at most
    PORTAL_API_MAX_JSON_DEPTH, integers within 64 bits, finite numbers only, no NUL or lone
    surrogate in any string or key. Each answers 400 with a message instead of a 500 further on."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = settings.PORTAL_API_MAX_JSON_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(_("Nội dung JSON quá lớn (tối đa %(kb)s KB).") % {"kb": limit // 1024})
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_int64)
        except RecursionError:
            raise ParseError(_("JSON lồng quá %(n)s cấp.") % {"n": settings.PORTAL_API_MAX_JSON_DEPTH}) from None
        except (ValueError, LookupError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ParseError(_("JSON không hợp lệ: %(error)s") % {"error": exc}) from None
        check_json_value(value, max_depth=settings.PORTAL_API_MAX_JSON_DEPTH)
        return value


class IntegerFilter(django_filters.NumberFilter):
    """django-filter's NumberFilter reads a decimal (`?code=0.5`, `?parent=1e30`) and compares it with
    an integer column; this one takes a 64-bit integer or answers 400, as its schema (integer) says."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -INT64_MAX)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(*args, **kwargs)


def refuse_blank_params(query_params, names) -> None:
    """An empty `?name=` is not a value of the parameter's type (an integer, a date-time, an enum);
    DRF and django-filter read it as absent, the schema calls it invalid: refuse it with a 400."""
    blank = {name: [_("Không được để trống.")] for name in names if query_params.get(name, None) == ""}
    if blank:
        raise ValidationError(blank)


class QueryParamsSerializer(serializers.Serializer):
    """Base of the serializers that validate a list's query parameters (used in the schema too)."""

    def to_internal_value(self, data):
        refuse_blank_params(data, self.fields)
        return super().to_internal_value(data)


class PortalPagination(LimitOffsetPagination):
    """DRF's limit/offset pagination, strict and bounded: `limit` and `offset`, when given, must be
    plain integers within range (DRF silently reads anything else as the default; an offset beyond
    64 bits was a 500), and a page holds at most `max_limit` rows (a larger limit is lowered, as DRF
    does). A wrong value is a 400 naming the parameter, as the schema documents."""

    max_limit = 200
    max_value = 10**9

    def _integer(self, request, name: str, minimum: int) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not re.fullmatch(r"[0-9]{1,10}", raw) or not minimum <= int(raw) <= self.max_value:
            raise ValidationError(
                {name: [_("Nhập một số nguyên từ %(min)s đến %(max)s.") % {"min": minimum, "max": self.max_value}]}
            )
        return int(raw)

    def get_limit(self, request):
        limit = self._integer(request, self.limit_query_param, 1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        return self._integer(request, self.offset_query_param, 0) or 0

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            minimum = 1 if parameter["name"] == self.limit_query_param else 0
            parameter["schema"].update({"minimum": minimum, "maximum": self.max_value})
        return parameters


# --- schema --------------------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "An error. Validation and service refusals: each field name maps to its messages, "
        "`non_field_errors` to the others; other errors: `detail`. Messages are in the "
        "request's language (Vietnamese by default, English with `Accept-Language: en`)."
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    # A nested serializer's or a dictionary's errors nest the same way.
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]},
}
ERROR_RESPONSES = {
    "400": "Invalid input: unreadable JSON, a value out of range, a field error or a refused action.",
    "401": "Missing or invalid API key.",
    "403": "Not signed in (session), or the role, scope or second factor does not allow this.",
    "404": "No such object among those the caller may see.",
    "409": "The object is not in a state that allows this action.",
    "413": "The request body is larger than the endpoint accepts.",
    "415": "The request's content type is not one the endpoint reads.",
    "429": "Too many requests; try again later.",
}
_READ_ONLY_CODES = ("400", "401", "403", "404", "429")


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents every error the API can answer
    (core.api.exception_handler, core.input_guard, DRF's authentication, permissions and parsers) with
    the one error body, so a client — and schemathesis in tests/verify — can rely on the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = _READ_ONLY_CODES if method in ("get", "head") else ERROR_RESPONSES
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": ERROR_RESPONSES[code], "content": {"application/json": {"schema": ref}}}
                )
    return result

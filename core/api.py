from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ServiceError


def exception_handler(exc, context):
    """DRF's handler, plus a guarantee: validation errors are always field-level dicts
    (`{"field": ["message"]}`) with `non_field_errors` for the rest, translated to the user's
    language by the LocaleMiddleware. A service's refusal (`core.errors.ServiceError`) is mapped here,
    in one place, to its status code and the same field-level body."""
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus a guarantee: validation errors are always field-level dicts
    (`{"field": ["message"]}`) with `non_field_errors` for the rest, translated to the user's
    language by the LocaleMiddleware."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response

from tests.url_matrix import AUTH, PUBLIC, SKIP, Rule


def _unit(personas):
    from core.geo.models import AdministrativeUnit

    return {"pk": AdministrativeUnit.objects.get(structure="2025", level="commune", code=5977).pk}


def _agency(personas):
    from core.agencies.models import Agency

    return {"pk": Agency.objects.get(code="so-khcn").pk}


RULES = [
    Rule("home", PUBLIC),
    Rule("health", SKIP("answers 503 when no Celery worker runs; tested in tests/core/test_health.py")),
    Rule("bench-bare", PUBLIC),
    Rule("api-schema", PUBLIC),
    Rule("api-docs", PUBLIC),
    Rule("api-redoc", PUBLIC),
    Rule("set_language", SKIP("POST only; tested by the language switch test")),
    # accounts & core read API (tests/core/test_profile.py, test_core_api.py)
    Rule("users:profile", AUTH),
    Rule("users:switch-language", SKIP("POST only; tested in tests/core/test_profile.py")),
    Rule("core-api:admin-unit-list", AUTH),
    Rule("core-api:admin-unit-detail", AUTH, kwargs=_unit),
    Rule("core-api:agency-list", AUTH),
    Rule("core-api:agency-detail", AUTH, kwargs=_agency),
]

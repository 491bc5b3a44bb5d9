"""Access rules of periodic reporting (government.reporting)."""

from tests.url_matrix import SKIP, Rule, roles

READERS = ("commune_official", "department_official", "province_leader", "system_administrator")


def _period(personas):
    from government.reporting import services
    from government.reporting.models import ReportForm

    form = ReportForm.objects.get(code="cds-xa-hang-thang")
    return {"period_id": services.period_get_or_create(form=form, year=2026, number=1).pk}


RULES = [
    Rule("reporting:index", roles(*READERS)),
    # The commune form's period: the commune official files it, the department (the collecting
    # Department of Science and Technology) and the province review it.
    Rule(
        "reporting:period",
        roles(*READERS),
        kwargs=_period,
        overrides={"commune_official": 302},
    ),
    Rule(
        "reporting:fill",
        roles("commune_official"),
        kwargs=_period,
        overrides={"department_official": 404, "province_leader": 404, "sysadmin": 404},
    ),
    Rule("reporting:period-xlsx", roles(*READERS), kwargs=_period),
    Rule("reporting:reopen", SKIP("POST only; tested in tests/reporting/test_reporting.py")),
    Rule("reporting:report", SKIP("a report of the user's unit; tested in tests/reporting/test_reporting.py")),
    Rule("reporting:accept", SKIP("POST only; tested in tests/reporting/test_reporting.py")),
    Rule("reporting:return", SKIP("POST only; tested in tests/reporting/test_reporting.py")),
    Rule("reporting:report-xlsx", SKIP("a report of the user's unit; tested in tests/reporting/test_reporting.py")),
]

"""Access rules of the border gate's named URLs (see tests/url_matrix.py)."""

from tests.url_matrix import PUBLIC, SKIP, Rule, roles

DECLARANTS = ("enterprise_representative", "citizen")
REPORTS = ("border_officer", "province_leader", "department_official")


def _entry(personas):
    """An entry declared by the enterprise persona, at Hữu Nghị."""
    import datetime

    from django.utils import timezone

    from border_gate import services
    from border_gate.models import Crossing

    entry = services.entry_declare(
        actor=personas["enterprise_rep"],
        data=services.DeclarationData(
            crossing=Crossing.objects.get(code="huu-nghi"),
            direction="export",
            regime="export",
            vehicle_plate="12C-123.45",
            driver_name="Hoàng Văn Lái",
            driver_id_kind="cccd",
            driver_id_number="020090000999",
            driver_phone="0912000111",
            expected_arrival=timezone.now() + datetime.timedelta(hours=2),
            goods=[services.GoodsData("08106000", "Sầu riêng", "fresh_fruit", 20000, 900_000_000, True)],
        ),
    )
    return entry


def _step(personas):
    from border_gate.models import StepDefinition

    return {
        "step_id": StepDefinition.objects.get(crossing__code="huu-nghi", direction="export", code="exit_control").pk
    }


def _report(personas):
    from django.utils import timezone

    from border_gate import services

    return {"date": services.daily_report_generate(date=timezone.localdate()).date.isoformat()}


RULES = [
    Rule("border_gate:index", PUBLIC),
    Rule("border_gate:public-board", PUBLIC),
    Rule("border_gate:crossing-board", PUBLIC, kwargs={"code": "huu-nghi"}),
    Rule("border_gate:live-json", PUBLIC),
    Rule("border_gate:fee-calculator", PUBLIC),
    Rule("border_gate:driver-find", PUBLIC),
    Rule("border_gate:driver", PUBLIC, kwargs=lambda p: {"token": _entry(p).token}),
    Rule("border_gate:driver-pay", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:my-entries", roles(*DECLARANTS)),
    Rule("border_gate:declare", roles(*DECLARANTS)),
    # Another declarant's entry is hidden (404), not forbidden, even from administrators (who use the admin);
    # the owner (enterprise_rep) sees it.
    Rule(
        "border_gate:entry",
        roles(*DECLARANTS),
        kwargs=lambda p: {"code": _entry(p).code},
        overrides={"citizen": 404, "sysadmin": 404},
    ),
    Rule(
        "border_gate:entry-correct",
        roles(*DECLARANTS),
        kwargs=lambda p: {"code": _entry(p).code},
        overrides={"citizen": 404, "sysadmin": 404},
    ),
    Rule("border_gate:entry-cancel", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:entry-pay", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:enterprises", roles("enterprise_representative")),
    Rule("border_gate:enterprise-add-staff", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:officer-home", roles("border_officer")),
    Rule("border_gate:officer-board", roles("border_officer")),
    Rule("border_gate:officer-call-next", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    # The exit-control step belongs to the border guard: the customs officer gets 404 (not their step).
    Rule("border_gate:officer-step", roles("border_officer"), kwargs=_step, overrides={"customs_officer": 404}),
    Rule("border_gate:officer-take-next", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:officer-entry", roles("border_officer"), kwargs=lambda p: {"code": _entry(p).code}),
    Rule("border_gate:officer-take", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:officer-release", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:officer-lane", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:officer-decide", SKIP("POST only; tested in tests/border_gate/test_views.py")),
    Rule("border_gate:reports", roles(*REPORTS)),
    Rule("border_gate:report-xlsx", roles(*REPORTS), kwargs=_report),
    Rule("border_gate-api:entries", SKIP("Api-Key authentication; tested in tests/border_gate/test_api.py")),
    Rule("border_gate-api:entry", SKIP("Api-Key authentication; tested in tests/border_gate/test_api.py")),
    Rule("border_gate-api:yard-events", SKIP("Api-Key authentication, POST; tested in tests/border_gate/test_api.py")),
    Rule("border_gate-api:customs-lanes", SKIP("Api-Key authentication, POST; tested in test_api.py")),
    Rule("border_gate-api:my-declarations", roles(*DECLARANTS)),
]

"""The URL access matrix (tests/url_matrix.py): every named URL of the portal has a Rule somewhere in
tests/*/url_rules*.py, and every Rule answers every persona as the rule says, without writing to the
database (tests/get_writes.py checks every GET of the suite, these included: a GET never writes).

Personas are built once for the module inside an outer transaction (rolled back at the end), and each
rule's test runs in a savepoint inside it, so the whole matrix costs one set of users."""

import importlib
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import COMMUNE_A, COMMUNE_B, make_user
from tests.html_policy import csp_problems
from tests.url_matrix import PERSONAS, Rule, expected

TESTS_DIR = Path(__file__).resolve().parents[1]
# Named URLs that have their own tests instead of a Rule (brief: allauth pages and the admin).
SKIPPED_PREFIXES = ("admin:", "account_", "mfa_")


def load_rules() -> list[Rule]:
    rules = []
    for path in sorted(TESTS_DIR.glob("*/url_rules*.py")):
        module = importlib.import_module(".".join(path.relative_to(TESTS_DIR.parent).with_suffix("").parts))
        rules.extend(getattr(module, "RULES", []))
    return rules


def named_urls(resolver=None, namespace="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            names |= named_urls(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            # DRF's format-suffix patterns repeat a name with a `format` kwarg: one name is enough.
            names.add(f"{namespace}{entry.name}")
    return names


RULES = load_rules()


def test_every_named_url_has_a_rule():
    covered = {rule.name for rule in RULES}
    missing = sorted(n for n in named_urls() if not n.startswith(SKIPPED_PREFIXES) and n not in covered)
    assert not missing, "named URLs without an access rule in tests/<app>/url_rules*.py:\n  " + "\n  ".join(missing)


def test_rules_name_real_urls():
    existing = named_urls()
    unknown = sorted({rule.name for rule in RULES} - existing)
    assert not unknown, f"rules for URL names that do not exist: {unknown}"


def _with_land_permission(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="change_parcel", content_type__app_label="land"))
    return user


def _build_personas() -> dict:
    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit

    def unit(code):
        return AdministrativeUnit.objects.get(structure="2025", level="commune", code=code)

    def agency(code):
        return Agency.objects.get(code=code)

    # The same people as the fixtures of tests/conftest.py (the matrix needs them all at once).
    return {
        "citizen": make_user(
            "citizen@example.vn", roles=["citizen"], full_name="Hoàng Văn Dân", phone="0912345678",
            citizen_id="020090000123", admin_unit=unit(COMMUNE_A),
        ),
        "citizen2": make_user(
            "citizen2@example.vn", roles=["citizen"], full_name="Lương Thị Hoa", phone="0987654321",
            citizen_id="020195000456", admin_unit=unit(COMMUNE_B),
        ),
        "enterprise_rep": make_user(
            "enterprise@example.vn", roles=["enterprise_representative"], full_name="Nông Văn Xuất", phone="0905111222"
        ),
        "commune_official": make_user(
            "commune.official@langson.gov.vn", roles=["commune_official"], full_name="Vi Thị Xã",
            agency=agency(f"ubnd-xa-{COMMUNE_A}"), admin_unit=unit(COMMUNE_A), totp=True,
        ),
        "other_commune_official": make_user(
            "commune.b@langson.gov.vn", roles=["commune_official"], full_name="Hà Văn Đồng",
            agency=agency(f"ubnd-xa-{COMMUNE_B}"), admin_unit=unit(COMMUNE_B), totp=True,
        ),
        "department_official": make_user(
            "department.official@langson.gov.vn", roles=["department_official"], full_name="Chu Văn Sở",
            agency=agency("so-khcn"), totp=True,
        ),
        "province_leader": make_user(
            "leader@langson.gov.vn", roles=["province_leader"], full_name="Lãnh Đạo Tỉnh",
            agency=agency("ubnd-tinh"), totp=True,
        ),
        "border_guard": make_user(
            "bienphong.huunghi@langson.gov.vn", roles=["border_officer"], full_name="Triệu Văn Biên",
            agency=agency("huu-nghi-border_guard"), totp=True,
        ),
        "customs_officer": make_user(
            "haiquan.huunghi@langson.gov.vn", roles=["border_officer"], full_name="Đinh Thị Quan",
            agency=agency("huu-nghi-customs"), totp=True,
        ),
        "party_official": make_user(
            "party.official@langson.gov.vn", roles=["party_official"], full_name="Lý Văn Đảng",
            agency=agency("tinh-uy"), totp=True,
        ),
        "land_official": make_user(
            "diachinh@langson.gov.vn", roles=["department_official"], full_name="Lộc Văn Địa",
            agency=agency("van-phong-dkdd"), totp=True,
        ),
        "cadastral_officer": _with_land_permission(make_user(
            "diachinh.dongkinh@langson.gov.vn", roles=["commune_official"], full_name="Hoàng Thị Chính",
            agency=agency(f"ubnd-xa-{COMMUNE_A}"), admin_unit=unit(COMMUNE_A), totp=True,
        )),
        "sysadmin": make_user(
            "admin@langson.gov.vn", roles=["system_administrator"], full_name="Quản Trị", is_staff=True,
            is_superuser=True, totp=True,
        ),
        "outsider": make_user("outsider@example.vn", full_name="Người Ngoài"),
    }  # fmt: skip


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """Personas and one signed-in client each, created once; everything is rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            personas = _build_personas()
            clients = {"anonymous": Client()}
            for name in PERSONAS:
                if name != "anonymous":
                    clients[name] = Client()
                    clients[name].force_login(personas[name])
            yield personas, clients
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307, 308) and response["Location"].startswith(
        reverse("account_login")
    )


def _check(url: str, want, response) -> str | None:
    status = response.status_code
    if isinstance(want, tuple):  # (AT_MOST, the twin's answer): no more access than the twin
        twin = want[1]
        if twin == "ok" and status in (403, 404):
            return None
        if isinstance(twin, int):  # the twin's exact answer, or a refusal
            return None if status in (twin, 403, 404) else f"expected {twin} like its twin or a refusal, got {status}"
        return _check(url, twin, response)
    if want == "ok":
        if status >= 400 or _is_login_redirect(response):
            return f"expected success, got {status} {response.get('Location', '')}"
    elif want == "login":
        if url.startswith("/api/"):
            if status not in (401, 403):
                return f"expected 401/403 for anonymous API access, got {status}"
        elif not _is_login_redirect(response):
            return f"expected a redirect to the login page, got {status} {response.get('Location', '')}"
    elif status != want:
        return f"expected {want}, got {status}"
    return None


@pytest.mark.parametrize("rule", [r for r in RULES if r.access.kind != "skip"], ids=lambda r: r.name)
def test_url_answers_each_persona_as_its_rule_says(rule, matrix, db):
    personas, clients = matrix
    kwargs = rule.kwargs(personas) if callable(rule.kwargs) else (rule.kwargs or {})
    url = reverse(rule.name, kwargs=kwargs) + (f"?{rule.query}" if rule.query else "")
    failures = []
    for persona in PERSONAS:
        want = expected(rule, persona)
        response = clients[persona].get(url)
        problem = _check(url, want, response)
        if problem:
            failures.append(f"{persona}: {problem}")
        # Every page must work under the Content-Security-Policy: no inline script, handler or style.
        failures.extend(f"{persona}: {p}" for p in csp_problems(response))
    assert not failures, f"{rule.name} ({url}):\n  " + "\n  ".join(failures)

"""Demo personas: one account per role, for local use only (password DEMO_PASSWORD).

Idempotent: a second run updates the same accounts (matched by email) and creates nothing twice.
Officials get no TOTP device: they enrol it themselves at first login, the real flow."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from core.demo import register
from core.users import roles

DEMO_PASSWORD = "Mat-khau-demo-2026"
COMMUNE_CODE = 5977  # Phường Đông Kinh (2025 structure)


@dataclass(frozen=True)
class DemoPersona:
    email: str
    full_name: str
    role: str
    agency_code: str | None = None
    commune_code: int | None = None
    phone: str = ""
    citizen_id: str = ""
    staff: bool = False


PERSONAS = [
    DemoPersona(
        "congdan@demo.langson.vn",
        "Hoàng Văn Dân",
        roles.CITIZEN,
        commune_code=COMMUNE_CODE,
        phone="0912000001",
        citizen_id="020090000001",
    ),
    DemoPersona("doanhnghiep@demo.langson.vn", "Nông Thị Thương", roles.ENTERPRISE, phone="0912000002"),
    DemoPersona(
        "canbo.xa@demo.langson.vn",
        "Vi Văn Xã",
        roles.COMMUNE_OFFICIAL,
        agency_code=f"ubnd-xa-{COMMUNE_CODE}",
        commune_code=COMMUNE_CODE,
    ),
    DemoPersona("canbo.so@demo.langson.vn", "Chu Thị Sở", roles.DEPARTMENT_OFFICIAL, agency_code="so-khcn"),
    DemoPersona("lanhdao@demo.langson.vn", "Lương Văn Tỉnh", roles.PROVINCE_LEADER, agency_code="ubnd-tinh"),
    DemoPersona(
        "bienphong@demo.langson.vn", "Triệu Văn Biên", roles.BORDER_OFFICER, agency_code="huu-nghi-border_guard"
    ),
    DemoPersona("haiquan@demo.langson.vn", "Đinh Thị Quan", roles.BORDER_OFFICER, agency_code="huu-nghi-customs"),
    DemoPersona("dang@demo.langson.vn", "Lý Văn Đảng", roles.PARTY_OFFICIAL, agency_code="tinh-uy"),
    # The office of a commune's Party committee (party pillar: its inbox and its cells' members).
    DemoPersona(
        "dang.xa@demo.langson.vn", "Hà Thị Đảng Ủy", roles.PARTY_OFFICIAL, agency_code=f"dang-uy-xa-{COMMUNE_CODE}"
    ),
    DemoPersona("quantri@demo.langson.vn", "Quản Trị Hệ Thống", roles.SYSTEM_ADMIN, staff=True),
]


@transaction.atomic
def ensure_demo_accounts(log=print) -> list:
    from allauth.account.models import EmailAddress

    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit
    from core.users.models import User

    users = []
    for persona in PERSONAS:
        agency = Agency.objects.get(code=persona.agency_code) if persona.agency_code else None
        unit = None
        if persona.commune_code:
            unit = AdministrativeUnit.objects.get(structure="2025", level="commune", code=persona.commune_code)
        elif agency is not None:
            unit = agency.admin_unit
        user = User.objects.filter(email=persona.email).first()
        created = user is None
        if created:
            user = User(email=persona.email)
        user.full_name = persona.full_name
        user.agency = agency
        user.admin_unit = unit
        user.phone = persona.phone
        user.citizen_id = persona.citizen_id
        user.is_active = True
        user.is_staff = persona.staff
        user.is_superuser = persona.staff
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=persona.role)])
        EmailAddress.objects.update_or_create(
            user=user, email=persona.email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
        if created:
            log(f"demo account {persona.email} ({persona.role})")
    return users


@register("core.users", order=10)
def generate(*, scale, log):
    # The same personas at every scale: they are logins, not volume.
    ensure_demo_accounts(log=log)

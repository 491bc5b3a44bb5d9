"""Enterprises, their staff and the machine clients' API keys."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from border_gate import validators as v
from border_gate.models import (
    ClientBinding,
    Crossing,
    Enterprise,
    EnterpriseMember,
)
from border_gate.services.common import BorderGateError
from core.api_clients.services import client_create, key_hash, key_revoke
from core.audit.services import audit_record
from core.errors import InvalidInputError, ServiceError
from core.users import roles


def enterprise_register(*, actor, tax_code: str, name: str, address: str = "", phone: str = "") -> Enterprise:
    """Register an enterprise and make `actor` its first (manager) staff account.
    Raises InvalidInputError (field-level) on a bad or already registered tax code."""
    tax_code = v.validate_tax_code(tax_code)
    with transaction.atomic():
        if Enterprise.objects.filter(tax_code=tax_code).exists():
            raise InvalidInputError(errors={"tax_code": _("Mã số thuế này đã được đăng ký trên nền tảng.")})
        enterprise = Enterprise.objects.create(tax_code=tax_code, name=name.strip(), address=address, phone=phone)
        EnterpriseMember.objects.create(enterprise=enterprise, user=actor, is_manager=True)
        audit_record(
            actor=actor,
            action="border_gate.enterprise.register",
            obj=enterprise,
            after={"tax_code": tax_code, "name": enterprise.name},
        )
    return enterprise


def enterprise_add_staff(*, actor, enterprise: Enterprise, email: str) -> EnterpriseMember:
    """A manager adds an existing portal account as staff; it receives the enterprise role."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        if not EnterpriseMember.objects.filter(enterprise=enterprise, user=actor, is_manager=True).exists():
            raise BorderGateError(_("Chỉ người quản lý tài khoản doanh nghiệp mới thêm được nhân viên."))
        user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise InvalidInputError(errors={"email": _("Không có tài khoản nào với địa chỉ email này.")})
        member, created = EnterpriseMember.objects.get_or_create(enterprise=enterprise, user=user)
        if created:
            user.groups.add(Group.objects.get(name=roles.ENTERPRISE))
            audit_record(
                actor=actor,
                action="border_gate.enterprise.add_staff",
                obj=enterprise,
                after={"user": user.email},
            )
    return member


# The border gate's data services (core.api_clients.registry; registered in data_services.py): a
# machine client's scopes are these codes.
SERVICE_ENTRIES = "border_gate.entries"
SERVICE_YARD_EVENTS = "border_gate.yard_events"
SERVICE_CUSTOMS_LANES = "border_gate.customs_lanes"
SERVICE_TRAFFIC = "border_gate.traffic"

# What each kind of machine client may be given: an enterprise reads its own trucks; a yard operator
# reads the trucks at its yards and reports them in and out; the customs system posts lanes.
API_KEY_SCOPES_BY_KIND = {
    ClientBinding.Kind.ENTERPRISE: {SERVICE_ENTRIES},
    ClientBinding.Kind.YARD_OPERATOR: {SERVICE_ENTRIES, SERVICE_YARD_EVENTS},
    ClientBinding.Kind.CUSTOMS: {SERVICE_ENTRIES, SERVICE_CUSTOMS_LANES},
}


def api_key_hash(raw: str) -> str:
    return key_hash(raw)


def api_key_check(*, kind: str, crossing: Crossing, scopes, enterprise: Enterprise | None = None, yards=()) -> None:
    """The one rule binding a client to its organisation (used when a client is issued on the
    portal page and by api_key_create). Raises InvalidInputError (field-level)."""
    errors: dict[str, str] = {}
    if kind not in ClientBinding.Kind.values:
        errors["kind"] = _("Loại khóa không hợp lệ.")
    elif not scopes or set(scopes) - set(API_KEY_SCOPES_BY_KIND[kind]):
        errors["scopes"] = _("Quyền không hợp lệ cho loại khóa này.")
    if kind == ClientBinding.Kind.ENTERPRISE and enterprise is None:
        errors["enterprise"] = _("Khóa của doanh nghiệp phải gắn với một doanh nghiệp.")
    if kind != ClientBinding.Kind.ENTERPRISE and enterprise is not None:
        errors["enterprise"] = _("Chỉ khóa của doanh nghiệp gắn với doanh nghiệp.")
    yards = list(yards)
    if kind == ClientBinding.Kind.YARD_OPERATOR and not yards:
        errors["yards"] = _("Khóa của đơn vị vận hành bãi phải gắn với ít nhất một bãi.")
    elif kind != ClientBinding.Kind.YARD_OPERATOR and yards:
        errors["yards"] = _("Chỉ khóa của đơn vị vận hành bãi gắn với bãi.")
    elif crossing is not None and any(yard.crossing_id != crossing.pk for yard in yards):
        errors["yards"] = _("Bãi không thuộc cửa khẩu của khóa.")
    if errors:
        raise InvalidInputError(errors=errors)


def gate_board_of(crossing: Crossing):
    """The crossing's gate board (Ban Quản lý cửa khẩu): the agency whose administrators issue the
    crossing's yard, enterprise and customs clients. None when reference data has no such agency."""
    from core.agencies.models import Agency

    return Agency.objects.filter(kind="border_force", force="gate_board", crossing_code=crossing.code).first()


def client_bind(*, client, kind: str, crossing: Crossing, enterprise: Enterprise | None = None, yards=()):
    """Bind a core machine client to the border gate (called inside client_create's transaction).
    Raises ServiceError with field errors."""
    yards = list(yards)
    try:
        api_key_check(kind=kind, crossing=crossing, scopes=client.services, enterprise=enterprise, yards=yards)
    except ValidationError as e:
        raise ServiceError(
            _("Phạm vi của hệ thống kết nối chưa hợp lệ."),
            errors={("services" if f == "scopes" else f): m for f, m in e.message_dict.items()},
        ) from None
    binding = ClientBinding.objects.create(client=client, kind=kind, crossing=crossing, enterprise=enterprise)
    binding.yards.set(yards)
    return binding


def api_key_create(
    *,
    actor,
    organisation: str,
    crossing: Crossing,
    scopes: list[str],
    kind: str,
    enterprise: Enterprise | None = None,
    yards=(),
):
    """Issue a border-gate machine client with its first key (core.api_clients), owned by the
    crossing's gate board; returns (key, raw) — the raw key is shown once and never stored. For
    scripts and tests: people issue clients on the portal page. Raises InvalidInputError. Audited."""
    yards = list(yards)
    api_key_check(kind=kind, crossing=crossing, scopes=scopes, enterprise=enterprise, yards=yards)
    client, raw = client_create(
        actor=actor,
        name=organisation,
        organisation=organisation,
        kind=f"border_gate.{kind}",
        services=list(scopes),
        owner_agency=gate_board_of(crossing),
        binding={"crossing": crossing, "enterprise": enterprise, "yards": yards},
        check_actor=False,
    )
    return client.keys.get(), raw


def api_key_revoke(*, actor, key):
    return key_revoke(actor=actor, key=key)

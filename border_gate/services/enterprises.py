"""Enterprises, their staff and the machine clients' API keys."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from border_gate import validators as v
from border_gate.models import (
    ApiKey,
    Crossing,
    Enterprise,
    EnterpriseMember,
)
from border_gate.services.common import BorderGateError
from core.audit.services import audit_record
from core.users import roles


def enterprise_register(*, actor, tax_code: str, name: str, address: str = "", phone: str = "") -> Enterprise:
    """Register an enterprise and make `actor` its first (manager) staff account.
    Raises ValidationError (field-level) on a bad or already registered tax code."""
    tax_code = v.validate_tax_code(tax_code)
    with transaction.atomic():
        if Enterprise.objects.filter(tax_code=tax_code).exists():
            raise ValidationError({"tax_code": _("Mã số thuế này đã được đăng ký trên nền tảng.")})
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
            raise ValidationError({"email": _("Không có tài khoản nào với địa chỉ email này.")})
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


def api_key_hash(raw: str) -> str:
    # Keys are 256-bit random: a plain SHA-256 is enough (no dictionary to resist, unlike passwords).
    return hashlib.sha256(raw.encode()).hexdigest()


# What each kind of machine client may be given: an enterprise reads its own trucks; a yard operator
# reads the trucks at its yards and reports them in and out; the customs system posts lanes.
API_KEY_SCOPES_BY_KIND = {
    ApiKey.Kind.ENTERPRISE: {ApiKey.Scope.READ_ENTRIES},
    ApiKey.Kind.YARD_OPERATOR: {ApiKey.Scope.READ_ENTRIES, ApiKey.Scope.YARD_EVENTS},
    ApiKey.Kind.CUSTOMS: {ApiKey.Scope.READ_ENTRIES, ApiKey.Scope.CUSTOMS_LANES},
}


def api_key_check(*, kind: str, crossing: Crossing, scopes, enterprise: Enterprise | None = None, yards=()) -> None:
    """The one rule binding a key to its organisation (used by api_key_create and the admin form).
    Raises ValidationError (field-level)."""
    errors: dict[str, str] = {}
    if kind not in ApiKey.Kind.values:
        errors["kind"] = _("Loại khóa không hợp lệ.")
    elif not scopes or set(scopes) - set(API_KEY_SCOPES_BY_KIND[kind]):
        errors["scopes"] = _("Quyền không hợp lệ cho loại khóa này.")
    if kind == ApiKey.Kind.ENTERPRISE and enterprise is None:
        errors["enterprise"] = _("Khóa của doanh nghiệp phải gắn với một doanh nghiệp.")
    if kind != ApiKey.Kind.ENTERPRISE and enterprise is not None:
        errors["enterprise"] = _("Chỉ khóa của doanh nghiệp gắn với doanh nghiệp.")
    yards = list(yards)
    if kind == ApiKey.Kind.YARD_OPERATOR and not yards:
        errors["yards"] = _("Khóa của đơn vị vận hành bãi phải gắn với ít nhất một bãi.")
    elif kind != ApiKey.Kind.YARD_OPERATOR and yards:
        errors["yards"] = _("Chỉ khóa của đơn vị vận hành bãi gắn với bãi.")
    elif any(yard.crossing_id != crossing.pk for yard in yards):
        errors["yards"] = _("Bãi không thuộc cửa khẩu của khóa.")
    if errors:
        raise ValidationError(errors)


def api_key_create(
    *,
    actor,
    organisation: str,
    crossing: Crossing,
    scopes: list[str],
    kind: str,
    enterprise: Enterprise | None = None,
    yards=(),
) -> tuple[ApiKey, str]:
    """Create a key bound to its organisation (api_key_check); returns (key, raw) — the raw key is
    shown once and never stored. Audited."""
    yards = list(yards)
    api_key_check(kind=kind, crossing=crossing, scopes=scopes, enterprise=enterprise, yards=yards)
    prefix = secrets.token_hex(4)
    raw = f"bg_{prefix}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            organisation=organisation,
            kind=kind,
            enterprise=enterprise,
            crossing=crossing,
            scopes=sorted(scopes),
            prefix=prefix,
            key_hash=api_key_hash(raw),
        )
        key.yards.set(yards)
        audit_record(
            actor=actor,
            action="border_gate.api_key.create",
            obj=key,
            after={
                "organisation": organisation,
                "kind": kind,
                "enterprise": enterprise.tax_code if enterprise else None,
                "yards": sorted(y.code for y in yards),
                "crossing": crossing.code,
                "scopes": key.scopes,
            },
        )
    return key, raw


def api_key_revoke(*, actor, key: ApiKey) -> ApiKey:
    with transaction.atomic():
        ApiKey.objects.filter(pk=key.pk).update(is_active=False)
        audit_record(actor=actor, action="border_gate.api_key.revoke", obj=key, after={"is_active": False})
    key.is_active = False
    return key

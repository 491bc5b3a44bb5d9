"""Writes on users: registration, profile, language, roles. One transaction each, audited."""

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ServiceError
from core.users import roles
from core.users.models import User
from core.users.validators import normalize_vn_phone, validate_citizen_id

LANGUAGES = ("vi", "en")


def mask_citizen_id(value: str) -> str:
    # The audit log is read by officials searching it; a full CCCD there would be needless exposure.
    return f"*********{value[-3:]}" if value else ""


def _profile_snapshot(user: User) -> dict:
    return {
        "full_name": user.full_name,
        "phone": user.phone,
        "citizen_id": mask_citizen_id(user.citizen_id),
        "preferred_language": user.preferred_language,
    }


@transaction.atomic
def user_register_citizen(*, user: User, full_name: str = "", language: str = "vi") -> User:
    """A person signed up on the portal: they become a citizen (self-registration never grants any
    other role). Called by the allauth adapter right after the user row is created."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.full_name = (full_name or "").strip()[:150]
    user.preferred_language = language if language in LANGUAGES else "vi"
    user.save(update_fields=["full_name", "preferred_language"])
    user.groups.add(Group.objects.get(name=roles.CITIZEN))
    audit_record(
        actor=user,
        action="users.user.register",
        obj=user,
        after={"email": user.email, "roles": [roles.CITIZEN], "full_name": user.full_name},
    )
    return user


@transaction.atomic
def profile_update(
    *, user: User, full_name: str, phone: str, citizen_id: str, preferred_language: str, actor: User | None = None
) -> User:
    """Update the person's own profile. The phone is stored normalised (0xxxxxxxxx). Validation
    (phone, CCCD format, CCCD uniqueness) is the form's job; the database still enforces CCCD
    uniqueness. Writes one audit row listing the changed fields (CCCD masked)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    name_changed = " ".join(full_name.split()) != user.full_name
    if user.identity_verified and (name_changed or citizen_id.strip() != user.citizen_id):
        # Name and ID number came from VNeID: only a new verified sign-in changes them.
        raise ServiceError(
            _("Họ tên và số CCCD đã được xác thực qua VNeID, không sửa được ở đây."),
            errors={"citizen_id": [_("Đã xác thực qua VNeID, không sửa được.")]},
        )
    before = _profile_snapshot(user)
    user.full_name = full_name.strip()
    user.phone = normalize_vn_phone(phone) if phone else ""
    user.citizen_id = citizen_id.strip()
    user.preferred_language = preferred_language if preferred_language in LANGUAGES else "vi"
    after = _profile_snapshot(user)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        user.save(update_fields=["full_name", "phone", "citizen_id", "preferred_language"])
        audit_record(
            actor=actor or user,
            action="users.profile.update",
            obj=user,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language the person chose (applied at their next login)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    updated = User.objects.filter(pk=user.pk).exclude(preferred_language=language).update(preferred_language=language)
    if updated:
        audit_record(
            actor=user,
            action="users.profile.set_language",
            obj=user,
            before={"preferred_language": user.preferred_language},
            after={"preferred_language": language},
        )
        user.preferred_language = language
    return user


@transaction.atomic
def user_admin_save(*, actor: User, user: User, created: bool, before: dict | None = None) -> User:
    """Record an administrator's creation or change of an account (called by the Django admin after
    it saved the row and its groups), and make sure the address the administrator entered counts as
    verified: officials cannot sign up, the administrator vouches for their official address."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    after = admin_snapshot(user)
    audit_record(
        actor=actor,
        action="users.user.create" if created else "users.user.update",
        obj=user,
        before=None if created else before,
        after=after,
    )
    return user


def admin_snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "agency": user.agency_id,
        "admin_unit": user.admin_unit_id,
        "roles": sorted(user.groups.values_list("name", flat=True)) if user.pk else [],
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


class IdentityMismatchError(ServiceError):
    """A verified identity (VNeID) that contradicts what the portal already holds: another person's
    ID number on this account, or this ID number already on another account."""

    status_code = 409
    code = "identity_mismatch"


@transaction.atomic
def user_bind_verified_identity(
    *, user: User, citizen_id: str, full_name: str, birth_date: datetime.date | None, source: str = "vneid"
) -> User:
    """Bind the identity a national identity provider verified (ID number, name, date of birth) to the
    account, so the profile form can no longer change them. Idempotent: signing in again with the same
    identity refreshes name and date of birth (a legal name change) and writes an audit row only when
    something changed.

    Raises IdentityMismatchError (nothing written) when the account already holds another ID number —
    typed in the profile or bound before — or when another account holds this one: the portal never
    moves an ID number between accounts on its own; a person who typed someone else's number, or has
    two accounts, must be sorted out by an administrator."""
    validate_citizen_id(citizen_id)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.citizen_id and user.citizen_id != citizen_id:
        raise IdentityMismatchError(
            _(
                "Số định danh VNeID (%(vneid)s) khác số CCCD đã lưu trong tài khoản này (%(saved)s). "
                "Cổng không gộp hai danh tính khác nhau: hãy liên hệ quản trị hệ thống để được hỗ trợ."
            )
            % {"vneid": mask_citizen_id(citizen_id), "saved": mask_citizen_id(user.citizen_id)},
            errors={"citizen_id": [_("Số CCCD của tài khoản khác số định danh VNeID.")]},
        )
    if User.objects.filter(citizen_id=citizen_id).exclude(pk=user.pk).exists():
        raise IdentityMismatchError(
            _(
                "Số định danh VNeID này đã gắn với một tài khoản khác trên cổng. Hãy đăng nhập bằng email "
                "của tài khoản đó rồi liên kết VNeID trong trang Thông tin cá nhân."
            ),
            errors={"citizen_id": [_("Số CCCD này đã được dùng cho một tài khoản khác.")]},
        )
    before = {**_profile_snapshot(user), "birth_date": user.birth_date and user.birth_date.isoformat()}
    user.citizen_id = citizen_id
    user.full_name = " ".join((full_name or "").split())[:150] or user.full_name
    user.birth_date = birth_date
    first = user.identity_verified_at is None
    if first:
        user.identity_verified_at = timezone.now()
    after = {**_profile_snapshot(user), "birth_date": birth_date and birth_date.isoformat()}
    changed = {k for k in after if after[k] != before[k]}
    if first or changed:
        user.save(update_fields=["citizen_id", "full_name", "birth_date", "identity_verified_at"])
        audit_record(
            actor=user,
            action="users.identity.verify",
            obj=user,
            before={k: before[k] for k in changed},
            after={**{k: after[k] for k in changed}, "source": source},
        )
    return user

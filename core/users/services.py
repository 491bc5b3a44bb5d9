"""Writes on users: registration, profile, language, roles. One transaction each, audited."""

from django.contrib.auth.models import Group
from django.db import transaction

from core.audit.services import audit_record
from core.users import roles
from core.users.models import User
from core.users.validators import normalize_vn_phone

LANGUAGES = ("vi", "en")


def _mask_citizen_id(value: str) -> str:
    # The audit log is read by officials searching it; a full CCCD there would be needless exposure.
    return f"*********{value[-3:]}" if value else ""


def _profile_snapshot(user: User) -> dict:
    return {
        "full_name": user.full_name,
        "phone": user.phone,
        "citizen_id": _mask_citizen_id(user.citizen_id),
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
    address, _ = EmailAddress.objects.get_or_create(
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

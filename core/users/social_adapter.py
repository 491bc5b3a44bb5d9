"""allauth's social-account adapter: what the portal does with a VNeID sign-in (core.users.vneid).

- The nonce the portal sent must come back in the ID token, and the ID token must carry a well-formed
  ID number; otherwise the sign-in is refused.
- An account already linked to VNeID, or a signed-in citizen linking it from their profile, gets the
  verified ID number, name and date of birth (services.user_bind_verified_identity); another ID number
  already on the account, or this ID number on another account, is refused with a page that says so.
- A first VNeID sign-in whose ID number no account holds creates a citizen's account with that
  identity (allauth asks for an e-mail address when VNeID gives none, and confirms it as usual).
- VNeID is for citizens: officials sign in with their e-mail, password and second factor.
Every refusal is audited (`users.identity.refuse`, ID number masked)."""

from __future__ import annotations

import hmac

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.users import services
from core.users.models import User
from core.users.vneid import NONCE_STATE_KEY, PROVIDER_ID, IdentityClaimsError, identity_from_claims


def _id_number_claim() -> str:
    return getattr(settings, "PORTAL_VNEID_ID_NUMBER_CLAIM", "citizen_id")


def _refuse(request, *, reason: str, message: str, user: User | None = None, citizen_id: str = "", status=403):
    audit_record(
        actor=user,
        actor_label="" if user else "vneid",
        action="users.identity.refuse",
        object_type="users.user",
        object_id=user.pk if user else "",
        after={"reason": reason, "citizen_id": services.mask_citizen_id(citizen_id), "source": PROVIDER_ID},
    )
    raise ImmediateHttpResponse(
        render(request, "socialaccount/vneid_refused.html", {"message": message, "reason": reason}, status=status)
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def _identity(self, request, sociallogin):
        try:
            identity = identity_from_claims(sociallogin.account.extra_data, id_number_claim=_id_number_claim())
        except IdentityClaimsError:
            _refuse(
                request,
                reason="claims",
                message=_(
                    "VNeID không gửi đủ thông tin định danh (số định danh cá nhân 12 chữ số). "
                    "Vui lòng thử lại hoặc đăng nhập bằng email."
                ),
            )
        expected = str((sociallogin.state or {}).get(NONCE_STATE_KEY) or "")
        if not expected or not hmac.compare_digest(expected, identity.nonce):
            _refuse(
                request,
                reason="nonce",
                citizen_id=identity.citizen_id,
                message=_(
                    "Phiên đăng nhập VNeID không khớp với yêu cầu đăng nhập của cổng (có thể đường dẫn đã bị "
                    "dùng lại hoặc bị giả mạo). Vui lòng bấm lại nút Đăng nhập bằng VNeID."
                ),
            )
        return identity

    def _bind(self, request, user: User, identity) -> None:
        if user.is_official or user.is_staff or user.is_superuser:
            _refuse(
                request,
                reason="official",
                user=user,
                citizen_id=identity.citizen_id,
                message=_(
                    "Tài khoản cán bộ, công chức đăng nhập bằng email, mật khẩu và mã xác thực hai lớp, "
                    "không dùng VNeID."
                ),
            )
        try:
            services.user_bind_verified_identity(
                user=user,
                citizen_id=identity.citizen_id,
                full_name=identity.full_name,
                birth_date=identity.birth_date,
            )
        except services.IdentityMismatchError as exc:
            _refuse(request, reason="mismatch", user=user, citizen_id=identity.citizen_id, message=exc.message)
        # allauth saves this same instance when it connects the account: it must not write back the
        # values it held before the binding.
        user.refresh_from_db()

    def pre_social_login(self, request, sociallogin):
        if sociallogin.account.provider != PROVIDER_ID:
            return super().pre_social_login(request, sociallogin)
        identity = self._identity(request, sociallogin)
        process = (sociallogin.state or {}).get("process")
        if sociallogin.is_existing:
            self._bind(request, sociallogin.user, identity)
        elif process == "connect" and request.user.is_authenticated:
            self._bind(request, request.user, identity)
        elif User.objects.filter(citizen_id=identity.citizen_id).exists():
            # An account holds this ID number but was never linked to VNeID: its number was typed in a
            # profile. Signing in to it through VNeID would hand an account to whoever holds the
            # number — or tell them one exists; the person signs in by e-mail and links VNeID there.
            _refuse(
                request,
                reason="existing_account",
                citizen_id=identity.citizen_id,
                message=_(
                    "Số định danh này đã có tài khoản trên cổng nhưng chưa liên kết VNeID. Hãy đăng nhập "
                    "bằng email và mật khẩu, rồi bấm Liên kết VNeID trong trang Thông tin cá nhân."
                ),
            )
        return super().pre_social_login(request, sociallogin)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if sociallogin.account.provider == PROVIDER_ID:
            user.full_name = " ".join(str(data.get("name") or "").split())[:150]
        return user

    def save_user(self, request, sociallogin, form=None):
        """A first VNeID sign-in: the account, its citizen role and its verified identity in one
        transaction (a refusal leaves no half-made account)."""
        if sociallogin.account.provider != PROVIDER_ID:
            return super().save_user(request, sociallogin, form)
        identity = identity_from_claims(sociallogin.account.extra_data, id_number_claim=_id_number_claim())
        try:
            with transaction.atomic():
                user = super().save_user(request, sociallogin, form)
                language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
                services.user_register_citizen(user=user, full_name=identity.full_name, language=language)
                services.user_bind_verified_identity(
                    user=user,
                    citizen_id=identity.citizen_id,
                    full_name=identity.full_name,
                    birth_date=identity.birth_date,
                )
        except services.IdentityMismatchError as exc:
            _refuse(request, reason="mismatch", citizen_id=identity.citizen_id, message=exc.message)
        user.refresh_from_db()
        return user

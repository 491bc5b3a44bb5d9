"""Sign-in with VNeID, the national electronic identity, through allauth's OpenID Connect provider.

The portal is a relying party of an OpenID Connect provider (VNeID in production, the local test
provider in core/users/vneid_dev/ in development and tests) configured as allauth's `openid_connect`
provider with the provider id "vneid" (settings.SOCIALACCOUNT_PROVIDERS). allauth does the
authorization-code flow: state bound to the session, PKCE, the token exchange, the ID token's issuer,
audience and expiry. This module adds what allauth's generic provider leaves out and a national
identity needs:

- a nonce in the authorization request, kept in allauth's server-side state and compared with the ID
  token's (OpenID Connect Core §3.1.2.1): an ID token issued for another login is refused;
- the verified identity read from the claims: the 12-digit ID number, the name and the date of birth.

What the portal does with the identity (bind it to the account, refuse a mismatch) is
core.users.social_adapter's job."""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.core.exceptions import ValidationError
from django.shortcuts import render
from requests import RequestException

from core.users.validators import validate_citizen_id

logger = logging.getLogger(__name__)

PROVIDER_ID = "vneid"
NONCE_STATE_KEY = "vneid_nonce"


class VNeIDProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider plus a nonce (settings: `provider_class`)."""

    # allauth mounts the URLs of the package a provider class lives in: its own openid_connect views.
    package = "allauth.socialaccount.providers.openid_connect"

    def get_default_scope(self):
        return ["openid", "profile"]

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        # allauth keeps every extra keyword of the redirect in the login's server-side state, which it
        # hands back with the callback (sociallogin.state) once the `state` parameter matched.
        try:
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, **{NONCE_STATE_KEY: nonce}, **kwargs
            )
        except RequestException as exc:
            # allauth reads the provider's discovery document here, before the redirect, and only
            # its callback view turns a network failure into an error page: VNeID being down must
            # not be a 500 for the citizen, but a page saying so, with the e-mail sign-in beside it.
            logger.warning("VNeID unreachable at sign-in: %s", type(exc).__name__)
            return render(request, "socialaccount/authentication_error.html", {"vneid_unreachable": True}, status=503)


@dataclass(frozen=True)
class VerifiedIdentity:
    subject: str
    citizen_id: str
    full_name: str
    birth_date: datetime.date | None
    nonce: str


class IdentityClaimsError(ValueError):
    pass


def identity_from_claims(extra_data: dict, *, id_number_claim: str) -> VerifiedIdentity:
    """The identity in an account's extra data as allauth stored it ({"id_token": {...}, "userinfo":
    {...}}). The ID token is required (its nonce is checked); userinfo, when fetched, adds to it."""
    id_token = extra_data.get("id_token") or {}
    if not id_token:
        raise IdentityClaimsError("no ID token")
    claims = {**id_token, **(extra_data.get("userinfo") or {})}
    citizen_id = "".join(str(claims.get(id_number_claim) or "").split())
    try:
        validate_citizen_id(citizen_id)
    except ValidationError as exc:
        raise IdentityClaimsError(f"ID number claim {id_number_claim!r} missing or malformed") from exc
    birth_date = None
    if claims.get("birthdate"):
        try:
            birth_date = datetime.date.fromisoformat(str(claims["birthdate"]))
        except ValueError as exc:
            raise IdentityClaimsError("birthdate is not YYYY-MM-DD") from exc
    return VerifiedIdentity(
        subject=str(id_token.get("sub", "")),
        citizen_id=citizen_id,
        full_name=" ".join(str(claims.get("name") or "").split()),
        birth_date=birth_date,
        nonce=str(id_token.get("nonce") or ""),
    )

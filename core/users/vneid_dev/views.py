"""The local test identity provider's endpoints (OpenID Connect Core 1.0, authorization-code flow):
discovery, authorize (a page where the tester picks or types a test identity), token (client secret,
PKCE S256, single-use codes), userinfo and the signing keys (JWKS, ES256).

State lives in the cache (codes 2 minutes, access tokens 5 minutes), so any web process answers any
step. The signing key is derived from SECRET_KEY, the same in every process and across restarts."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.users.validators import validate_citizen_id

CODE_TTL = 120
TOKEN_TTL = 300
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
CALLBACK_URL_NAME = "openid_connect_callback"


@functools.cache
def identities() -> list[dict]:
    return json.loads((Path(__file__).with_name("identities.json")).read_text(encoding="utf-8"))


@functools.cache
def _signing_key() -> tuple[ec.EllipticCurvePrivateKey, str]:
    seed = hmac.new(settings.SECRET_KEY.encode(), b"vneid-dev-idp-signing-key", hashlib.sha256).digest()
    key = ec.derive_private_key(int.from_bytes(seed, "big") % (_P256_ORDER - 1) + 1, ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    kid = hashlib.sha256(f"{numbers.x}:{numbers.y}".encode()).hexdigest()[:16]
    return key, kid


def _issuer(request) -> str:
    # The issuer is this provider's base URL as the portal reaches it (the discovery document's URL
    # minus /.well-known/...): the same host answers the portal's server-side calls.
    return request.build_absolute_uri(reverse("vneid_dev:discovery")).removesuffix("/.well-known/openid-configuration")


def _subject(citizen_id: str) -> str:
    # Like VNeID, an opaque subject per person, not the ID number itself.
    return hmac.new(settings.SECRET_KEY.encode(), f"vneid-sub:{citizen_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _client_ok(client_id: str, secret: str | None = None) -> bool:
    if not hmac.compare_digest(client_id or "", settings.PORTAL_VNEID_CLIENT_ID):
        return False
    return secret is None or hmac.compare_digest(secret or "", settings.PORTAL_VNEID_CLIENT_SECRET)


def _redirect_uri_ok(request, uri: str) -> bool:
    """The portal's own callback, on the host that asked (the live server's port in tests)."""
    parts = urlsplit(uri or "")
    return (
        parts.scheme in {"http", "https"}
        and parts.netloc == request.get_host()
        and parts.path == reverse(CALLBACK_URL_NAME, kwargs={"provider_id": "vneid"})
        and not parts.query
    )


@require_GET
def discovery(request):
    issuer = _issuer(request)
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": request.build_absolute_uri(reverse("vneid_dev:authorize")),
            "token_endpoint": request.build_absolute_uri(reverse("vneid_dev:token")),
            "userinfo_endpoint": request.build_absolute_uri(reverse("vneid_dev:userinfo")),
            "jwks_uri": request.build_absolute_uri(reverse("vneid_dev:jwks")),
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "scopes_supported": ["openid", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "name", "birthdate", "citizen_id", "email", "email_verified", "nonce"],
        }
    )


@require_GET
def jwks(request):
    key, kid = _signing_key()
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return JsonResponse({"keys": [{**jwk, "kid": kid, "alg": "ES256", "use": "sig"}]})


class IdentityForm(forms.Form):
    identity = forms.ChoiceField(label=gettext_lazy("Danh tính thử nghiệm"), widget=forms.RadioSelect)
    citizen_id = forms.CharField(label=gettext_lazy("Số định danh cá nhân"), max_length=12, required=False)
    name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=150, required=False)
    birthdate = forms.DateField(
        label=gettext_lazy("Ngày sinh"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity"].choices = [
            (p["citizen_id"], f"{p['name']} — {p['citizen_id']}") for p in identities()
        ] + [("other", _("Danh tính khác (nhập bên dưới)"))]

    def clean(self):
        data = super().clean()
        if data.get("identity") != "other":
            return data
        citizen_id = "".join((data.get("citizen_id") or "").split())
        try:
            validate_citizen_id(citizen_id)
        except ValidationError as exc:
            self.add_error("citizen_id", exc)
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Vui lòng nhập họ và tên."))
        data["citizen_id"] = citizen_id
        return data

    def person(self) -> dict:
        data = self.cleaned_data
        if data["identity"] != "other":
            return next(p for p in identities() if p["citizen_id"] == data["identity"])
        birth = data.get("birthdate")
        return {
            "citizen_id": data["citizen_id"],
            "name": " ".join(data["name"].split()),
            "birthdate": birth.isoformat() if birth else "",
            "email": "",
        }


AUTH_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge")


@never_cache
def authorize(request):
    params = request.GET if request.method == "GET" else request.POST
    auth = {name: params.get(name, "") for name in (*AUTH_PARAMS, "code_challenge_method")}
    if not _client_ok(auth["client_id"]) or not _redirect_uri_ok(request, auth["redirect_uri"]):
        # Never redirect to an unregistered address (RFC 6749 §4.1.2.1): say so here.
        return render(request, "vneid_dev/error.html", {"error": "invalid_client"}, status=400)
    error = None
    if auth["response_type"] != "code" or "openid" not in auth["scope"].split():
        error = "unsupported_response_type" if auth["response_type"] != "code" else "invalid_scope"
    elif auth["code_challenge"] and auth["code_challenge_method"] != "S256":
        error = "invalid_request"
    if request.method == "POST" and "cancel" in request.POST:
        error = "access_denied"
    if error:
        return HttpResponseRedirect(f"{auth['redirect_uri']}?{urlencode({'error': error, 'state': auth['state']})}")
    form = IdentityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = secrets.token_urlsafe(32)
        cache.set(f"vneid-dev:code:{code}", {**auth, "person": form.person(), "auth_time": int(time.time())}, CODE_TTL)
        return HttpResponseRedirect(f"{auth['redirect_uri']}?{urlencode({'code': code, 'state': auth['state']})}")
    return render(
        request,
        "vneid_dev/authorize.html",
        {"form": form, "auth": auth, "hidden": {k: v for k, v in auth.items() if v}},
        status=400 if form.is_bound else 200,
    )


def _token_error(error: str, status: int = 400):
    return JsonResponse({"error": error}, status=status)


def _claims(person: dict) -> dict:
    claims = {"sub": _subject(person["citizen_id"]), "name": person["name"], "citizen_id": person["citizen_id"]}
    if person.get("birthdate"):
        claims["birthdate"] = person["birthdate"]
    if person.get("email"):
        claims.update(email=person["email"], email_verified=True)
    return claims


@csrf_exempt  # a server-to-server call authenticated by the client secret, not a browser form
@require_POST
def token(request):
    client_id, secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return _token_error("invalid_client", 401)
    if not _client_ok(client_id, secret):
        return _token_error("invalid_client", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    key = f"vneid-dev:code:{request.POST.get('code', '')}"
    grant = cache.get(key)
    # A code is used once: whoever deletes it first gets the tokens.
    if not grant or not cache.delete(key):
        return _token_error("invalid_grant")
    if grant["client_id"] != client_id or grant["redirect_uri"] != request.POST.get("redirect_uri"):
        return _token_error("invalid_grant")
    if grant["code_challenge"]:
        verifier = request.POST.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not hmac.compare_digest(digest, grant["code_challenge"]):
            return _token_error("invalid_grant")
    now = int(time.time())
    claims = _claims(grant["person"])
    signing_key, kid = _signing_key()
    id_token = jwt.encode(
        {
            **claims,
            "iss": _issuer(request),
            "aud": client_id,
            "iat": now,
            "exp": now + TOKEN_TTL,
            "auth_time": grant["auth_time"],
            **({"nonce": grant["nonce"]} if grant["nonce"] else {}),
        },
        signing_key,
        algorithm="ES256",
        headers={"kid": kid},
    )
    access_token = secrets.token_urlsafe(32)
    cache.set(f"vneid-dev:token:{access_token}", claims, TOKEN_TTL)
    response = JsonResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_TTL, "id_token": id_token}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def userinfo(request):
    header = request.headers.get("Authorization", "")
    claims = cache.get(f"vneid-dev:token:{header.removeprefix('Bearer ')}") if header.startswith("Bearer ") else None
    if not claims:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return JsonResponse(claims)

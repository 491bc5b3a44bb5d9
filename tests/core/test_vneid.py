"""Sign-in with VNeID through allauth's OpenID Connect provider, against the local test identity
provider the portal serves in development and tests (core/users/vneid_dev/). Every test goes over
real HTTP against the live server: the browser-side redirects (portal → provider → portal) and the
portal's server-side token exchange with the provider."""

import copy
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings

from core.audit.models import AuditLog
from core.users import roles
from core.users.models import User
from tests.conftest import DEMO_PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

LAN = {"citizen_id": "020190000123", "name": "Nguyễn Thị Lan", "birthdate": "1990-05-12"}
DUC = {"citizen_id": "020087000456", "name": "Hoàng Văn Đức"}


@pytest.fixture
def vneid(live_server, settings):
    """The portal's VNeID client pointed at the test provider on the live server's address."""
    issuer = f"{live_server.url}/dev/vneid"
    providers = copy.deepcopy(django_settings.SOCIALACCOUNT_PROVIDERS)
    providers["openid_connect"]["APPS"][0]["settings"]["server_url"] = issuer
    settings.SOCIALACCOUNT_PROVIDERS = providers
    settings.PORTAL_VNEID_ISSUER = issuer
    return live_server


def _inputs(html: str, form_id: str | None = None) -> dict:
    if form_id:
        html = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="radio"' not in tag:
            fields[unescape(name.group(1))] = unescape(value.group(1)) if value else ""
    return fields


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def start(session: requests.Session, server, *, process: str = "login") -> str:
    """Press "Đăng nhập bằng VNeID" (or "Liên kết VNeID" on the profile): the portal's redirect to
    the provider's authorization page."""
    page = session.get(f"{server.url}/accounts/login/" if process == "login" else f"{server.url}/accounts/profile/")
    form_id = "vneid-login" if process == "login" else "vneid-connect"
    data = _inputs(page.text, form_id)
    answer = session.post(f"{server.url}/accounts/oidc/vneid/login/", data=data, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["Location"]
    assert location.startswith(f"{server.url}/dev/vneid/authorize/")
    return location


def authorize(session: requests.Session, authorize_url: str, person: dict) -> str:
    """The tester picks or types an identity at the provider: the redirect back to the portal."""
    page = session.get(authorize_url)
    assert page.status_code == 200
    data = _inputs(page.text, "vneid-form")
    if person.get("pick", True) and person["citizen_id"] in page.text:
        data["identity"] = person["citizen_id"]
    else:
        data.update(identity="other", citizen_id=person["citizen_id"], name=person["name"])
        data["birthdate"] = person.get("birthdate", "")
    answer = session.post(authorize_url.split("?")[0], data=data, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def sign_in(session, server, person, *, process="login") -> requests.Response:
    callback = authorize(session, start(session, server, process=process), person)
    return session.get(callback)


def email_login(session, server, email):
    page = session.get(f"{server.url}/accounts/login/")
    data = _inputs(page.text, "login-form")
    data.update(login=email, password=DEMO_PASSWORD)
    answer = session.post(f"{server.url}/accounts/login/", data=data)
    assert answer.url.rstrip("/") == server.url, answer.url


def test_citizen_signs_in_with_vneid_and_gets_a_verified_account(vneid):
    session = requests.Session()
    answer = sign_in(session, vneid, LAN)
    assert answer.status_code == 200
    assert answer.url.rstrip("/") == vneid.url  # home, signed in
    profile = session.get(f"{vneid.url}/accounts/profile/")
    text = _visible_text(profile.text)
    assert "đã được xác thực qua VNeID" in text
    assert "Nguyễn Thị Lan" in profile.text and "12-05-1990" in text
    # the verified name and number are shown but cannot be edited
    assert re.search(r'<input[^>]*name="citizen_id"[^>]*disabled', profile.text)

    user = User.objects.get(citizen_id=LAN["citizen_id"])
    assert user.full_name == "Nguyễn Thị Lan" and str(user.birth_date) == "1990-05-12"
    assert user.identity_verified and user.has_role(roles.CITIZEN) and not user.is_official
    assert user.email == "lan.nguyen@vneid-thu-nghiem.vn"
    assert SocialAccount.objects.filter(user=user, provider="vneid").count() == 1

    # Signing in again, in another browser, reaches the same account; nothing changed, nothing re-audited.
    other = requests.Session()
    assert sign_in(other, vneid, LAN).url.rstrip("/") == vneid.url
    assert User.objects.filter(citizen_id=LAN["citizen_id"]).count() == 1
    assert AuditLog.objects.filter(action="users.identity.verify", object_id=str(user.pk)).count() == 1
    assert "Nguyễn Thị Lan" in other.get(f"{vneid.url}/accounts/profile/").text


def test_first_sign_in_without_email_asks_for_one_and_keeps_the_identity(vneid, mailoutbox):
    session = requests.Session()
    answer = sign_in(session, vneid, DUC)
    assert urlsplit(answer.url).path == "/accounts/3rdparty/signup/"
    data = _inputs(answer.text, "signup-form")
    data["email"] = "khong-phai-email"
    refused = session.post(answer.url, data=data)
    assert "signup-form" in refused.text and "email" in _visible_text(refused.text).lower()
    data["email"] = "duc.hoang@example.vn"
    session.post(answer.url, data=data)
    user = User.objects.get(email="duc.hoang@example.vn")
    assert user.citizen_id == DUC["citizen_id"] and user.full_name == "Hoàng Văn Đức" and user.identity_verified
    assert user.has_role(roles.CITIZEN)
    # the e-mail address is confirmed as for any sign-up
    assert any("duc.hoang@example.vn" in m.to for m in mailoutbox)


def test_citizen_links_vneid_from_the_profile(vneid):
    citizen = make_user("linh@example.vn", roles=[roles.CITIZEN], full_name="Linh (tự khai)")
    session = requests.Session()
    email_login(session, vneid, citizen.email)
    answer = sign_in(session, vneid, LAN, process="connect")
    assert urlsplit(answer.url).path == "/accounts/profile/"
    citizen.refresh_from_db()
    assert citizen.citizen_id == LAN["citizen_id"] and citizen.full_name == "Nguyễn Thị Lan"
    assert citizen.identity_verified
    assert "đã được xác thực qua VNeID" in _visible_text(answer.text)
    # the profile form cannot change them any more, whatever is posted
    data = _inputs(answer.text, "profile-form")
    data.update(full_name="Người Khác", citizen_id="020190000999", preferred_language="vi")
    session.post(f"{vneid.url}/accounts/profile/", data=data)
    citizen.refresh_from_db()
    assert citizen.citizen_id == LAN["citizen_id"] and citizen.full_name == "Nguyễn Thị Lan"


def test_linking_another_persons_identity_is_refused_clearly(vneid):
    citizen = make_user("tuan@example.vn", roles=[roles.CITIZEN], full_name="Tuấn", citizen_id="020190000999")
    session = requests.Session()
    email_login(session, vneid, citizen.email)
    answer = sign_in(session, vneid, LAN, process="connect")
    assert answer.status_code == 403
    text = _visible_text(answer.text)
    assert "Không đăng nhập được bằng VNeID" in text
    assert "khác số CCCD đã lưu trong tài khoản này" in text
    assert "020190000123" not in text  # masked: the page names no full ID number
    citizen.refresh_from_db()
    assert citizen.citizen_id == "020190000999" and citizen.full_name == "Tuấn" and not citizen.identity_verified
    assert not SocialAccount.objects.filter(user=citizen).exists()
    refusal = AuditLog.objects.get(action="users.identity.refuse")
    assert refusal.after["reason"] == "mismatch" and "020190000123" not in str(refusal.after)


def test_vneid_sign_in_does_not_open_an_account_that_only_typed_the_number(vneid):
    typed = make_user("go@example.vn", roles=[roles.CITIZEN], citizen_id=LAN["citizen_id"])
    session = requests.Session()
    answer = sign_in(session, vneid, LAN)
    assert answer.status_code == 403
    assert "chưa liên kết VNeID" in _visible_text(answer.text)
    assert (
        "_auth_user_id" not in session.cookies.get_dict()
        and session.get(f"{vneid.url}/accounts/profile/", allow_redirects=False).status_code == 302
    )
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(citizen_id=LAN["citizen_id"]).get() == typed


def test_officials_do_not_sign_in_with_vneid(vneid):
    from core.users.vneid_dev.views import _subject

    official = make_user("canbo@example.vn", roles=[roles.COMMUNE_OFFICIAL])
    # say an administrator's mistake linked the official's account to a VNeID identity
    SocialAccount.objects.create(user=official, provider="vneid", uid=_subject(LAN["citizen_id"]))
    session = requests.Session()
    answer = sign_in(session, vneid, LAN)
    assert answer.status_code == 403
    assert "mã xác thực hai lớp" in _visible_text(answer.text)
    official.refresh_from_db()
    assert not official.identity_verified
    assert session.get(f"{vneid.url}/accounts/profile/", allow_redirects=False).status_code == 302


def test_forged_state_is_refused(vneid):
    session = requests.Session()
    callback = authorize(session, start(session, vneid), LAN)
    parts = urlsplit(callback)
    code = parse_qs(parts.query)["code"][0]
    answer = session.get(f"{vneid.url}{parts.path}", params={"code": code, "state": "forged-state-0123456789"})
    text = _visible_text(answer.text)
    assert "Không đăng nhập được bằng VNeID" in text and "Bạn chưa được đăng nhập" in text
    assert not User.objects.filter(citizen_id=LAN["citizen_id"]).exists()
    assert session.get(f"{vneid.url}/accounts/profile/", allow_redirects=False).status_code == 302


def test_an_id_token_issued_for_another_login_is_refused_by_its_nonce(vneid):
    """The victim's browser comes back with its own state but a code the provider issued for another
    authorization request (another nonce): the ID token's nonce does not match the one the portal
    sent, and nobody is signed in."""
    session = requests.Session()
    authorize_url = start(session, vneid)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["nonce"][0] and query["state"][0] and query["code_challenge"][0]
    forged = authorize_url.replace(f"nonce={query['nonce'][0]}", "nonce=attacker-chosen-nonce")
    answer = session.get(authorize(session, forged, LAN))
    assert answer.status_code == 403
    assert "không khớp với yêu cầu đăng nhập" in _visible_text(answer.text)
    assert not User.objects.filter(citizen_id=LAN["citizen_id"]).exists()
    assert AuditLog.objects.get(action="users.identity.refuse").after["reason"] == "nonce"


def test_test_provider_checks_its_clients(vneid):
    session = requests.Session()
    authorize_url = start(session, vneid)
    # an unregistered return address is not redirected to
    evil = re.sub(r"redirect_uri=[^&]+", "redirect_uri=https%3A%2F%2Fevil.example%2Fcb", authorize_url)
    page = session.get(evil, allow_redirects=False)
    assert page.status_code == 400 and "Location" not in page.headers
    # a code is used once, with the right secret and PKCE verifier only
    callback = authorize(session, authorize_url, LAN)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    token_url = f"{vneid.url}/dev/vneid/token/"
    base = {"grant_type": "authorization_code", "code": code, "client_id": django_settings.PORTAL_VNEID_CLIENT_ID}
    redirect_uri = parse_qs(urlsplit(authorize_url).query)["redirect_uri"][0]
    wrong_secret = requests.post(token_url, data={**base, "client_secret": "x", "redirect_uri": redirect_uri})
    assert wrong_secret.status_code == 401
    no_verifier = requests.post(
        token_url,
        data={**base, "client_secret": django_settings.PORTAL_VNEID_CLIENT_SECRET, "redirect_uri": redirect_uri},
    )
    assert no_verifier.json() == {"error": "invalid_grant"}
    # the failed exchange consumed the code: the portal's own exchange now fails too, nobody signed in
    answer = session.get(callback)
    assert "Không đăng nhập được bằng VNeID" in _visible_text(answer.text)
    assert not User.objects.filter(citizen_id=LAN["citizen_id"]).exists()


def test_vneid_unreachable_answers_a_page_not_a_server_error(live_server, settings):
    """VNeID down (here: nothing listens at the issuer): the citizen is told so and stays signed out,
    with the way back to the e-mail sign-in, instead of a 500."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/vneid"
    providers = copy.deepcopy(django_settings.SOCIALACCOUNT_PROVIDERS)
    providers["openid_connect"]["APPS"][0]["settings"]["server_url"] = dead
    settings.SOCIALACCOUNT_PROVIDERS = providers
    session = requests.Session()
    page = session.get(f"{live_server.url}/accounts/login/")
    answer = session.post(
        f"{live_server.url}/accounts/oidc/vneid/login/", data=_inputs(page.text, "vneid-login"), allow_redirects=False
    )
    assert answer.status_code == 503
    assert "Hiện không kết nối được với VNeID" in unescape(answer.text)
    assert "/accounts/login/" in answer.text
    assert "_auth_user_id" not in session.cookies.get_dict()

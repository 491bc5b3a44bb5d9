"""In production the portal refuses to start while a secret is missing or still holds its
development value; the image and the compose file ship none (issue 9, Money)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("DJANGO_SECRET_KEY", "PORTAL_PAYMENT_CALLBACK_SECRET", "PORTAL_SIGNING_KEY_PASSPHRASE")
GOOD = {
    "DJANGO_SECRET_KEY": "k" * 20 + "Zq8!vR2#mN5$wX7^pL0&tY3*bH6(cJ9)",
    "PORTAL_PAYMENT_CALLBACK_SECRET": "cb-4f9a1e7d2c8b6a30f5e1d9c7b3a2f8e6",
    "PORTAL_SIGNING_KEY_PASSPHRASE": "sk-8e2d4c6a1f3b5d7e9a0c2e4f6b8d0a1c",
}


def _start(**secrets) -> subprocess.CompletedProcess:
    """`manage.py check` as an operator would start it in production, with only these secrets."""
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    env.update(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="portal.langson.gov.vn")
    env.update({k: v for k, v in secrets.items() if v is not None})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_any_secret():
    result = _start()
    assert result.returncode != 0
    assert "Refusing to start with DJANGO_ENV=production" in result.stderr
    for name in SECRETS:
        assert f"{name} is not set" in result.stderr


@pytest.mark.parametrize("name", SECRETS)
def test_production_refuses_each_development_value(name):
    from django.conf import settings

    result = _start(**{**GOOD, name: settings.DEV_SECRETS[name]})
    assert result.returncode != 0
    assert f"{name} still has its development or placeholder value" in result.stderr
    # Only the offending variable is named.
    assert all(other not in result.stderr for other in SECRETS if other != name)


def test_production_refuses_placeholders_and_short_secrets():
    result = _start(**{**GOOD, "PORTAL_SIGNING_KEY_PASSPHRASE": "change-me", "PORTAL_PAYMENT_CALLBACK_SECRET": "abc"})
    assert result.returncode != 0
    assert "PORTAL_SIGNING_KEY_PASSPHRASE still has its development or placeholder value" in result.stderr
    assert "PORTAL_PAYMENT_CALLBACK_SECRET is shorter than 32 characters" in result.stderr


def test_production_starts_with_real_secrets():
    result = _start(**GOOD)
    assert result.returncode == 0, result.stderr
    assert "Refusing" not in result.stderr


def test_compose_requires_every_secret_from_the_environment():
    compose = (ROOT / "docker-compose.yml").read_text()
    for name in (*SECRETS, "PORTAL_DB_PASSWORD"):
        uses = re.findall(r"\$\{" + name + r"(.{0,2})", compose)
        assert uses, f"{name} is not passed to the containers"
        # `${VAR:?message}` makes compose refuse to start without it; `${VAR:-default}` ships a secret.
        assert all(u.startswith(":?") for u in uses), f"{name} has a default in docker-compose.yml"


def test_dockerfile_ships_no_secret():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for name in (*SECRETS, "PORTAL_DB_PASSWORD"):
        assert name not in dockerfile


def test_production_with_vneid_needs_its_client_secret_and_serves_no_test_provider():
    issuer = {"PORTAL_VNEID_ISSUER": "https://sso.vneid.gov.vn", "PORTAL_VNEID_CLIENT_ID": "lang-son-portal"}
    env_secret = os.environ.pop("PORTAL_VNEID_CLIENT_SECRET", None)
    try:
        refused = _start(**GOOD, **issuer)
        assert refused.returncode != 0
        assert "PORTAL_VNEID_CLIENT_SECRET is not set (VNeID sign-in is configured)" in refused.stderr
        dev_value = _start(**GOOD, **issuer, PORTAL_VNEID_CLIENT_SECRET="dev-vneid-client-secret")
        assert "PORTAL_VNEID_CLIENT_SECRET is not set" in dev_value.stderr
    finally:
        if env_secret is not None:
            os.environ["PORTAL_VNEID_CLIENT_SECRET"] = env_secret
    # with a real secret it starts, and the local test identity provider is not mounted
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    env.update(GOOD, **issuer, PORTAL_VNEID_CLIENT_SECRET="a-real-secret-from-the-vneid-operator-0123")
    env.update(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="portal.langson.gov.vn")
    probe = (
        "import django; django.setup()\nfrom django.conf import settings\n"
        "from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/dev/vneid/.well-known/openid-configuration'); print('MOUNTED')\n"
        "except Resolver404:\n    print('ABSENT', settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]"
        "['settings']['server_url'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "lang_son_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "ABSENT https://sso.vneid.gov.vn", result.stderr

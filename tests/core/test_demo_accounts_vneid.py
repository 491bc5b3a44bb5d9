"""`make run` prints the demo accounts and, in development, the local VNeID test identities a citizen can
sign in with (core/users/vneid_dev/identities.json)."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_accounts_list_the_vneid_test_identities():
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert "VNeID (local test provider" in text
    assert "020190000123  Nguyễn Thị Lan  1990-05-12" in text

"""E-mails name the portal, not the host that happened to serve the request."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_password_reset_mail_names_the_portal_not_the_host(client, citizen):
    response = client.post(reverse("account_reset_password"), {"email": citizen.email}, HTTP_HOST="testserver")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Cổng chuyển đổi số tỉnh Lạng Sơn" in body
    assert "testserver!" not in body and "\ntestserver" not in body

import io
import json
import logging

import pytest

from core.logging import JSONFormatter


@pytest.fixture
def request_log():
    """Capture the portal.request logger's lines as the production handler formats them."""
    logger = logging.getLogger("portal.request")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    previous = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.mark.django_db
def test_one_json_line_per_request_with_id_user_status_duration(client, citizen, request_log):
    client.force_login(citizen)
    response = client.get("/", HTTP_X_REQUEST_ID="req-abc-123")
    assert response["X-Request-ID"] == "req-abc-123"
    (line,) = request_log()
    assert line["msg"] == "request" and line["logger"] == "portal.request" and line["level"] == "INFO"
    assert line["request_id"] == "req-abc-123"
    assert line["user_id"] == citizen.pk
    assert line["status"] == 200 and line["method"] == "GET" and line["path"] == "/"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["ts"].endswith("+00:00")


@pytest.mark.django_db
def test_anonymous_request_gets_a_fresh_id_and_404_is_logged(client, request_log):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    (line,) = request_log()
    assert line["user_id"] is None and line["status"] == 404
    assert len(line["request_id"]) == 32 and response["X-Request-ID"] == line["request_id"]


@pytest.mark.django_db
def test_audit_rows_carry_the_request_id(client, citizen, request_log):
    """The request id ties a log line to the audit rows written during that request."""
    from core.audit.models import AuditLog
    from core.payments.registry import register_purpose, unregister_purpose
    from core.payments.services import payment_create

    register_purpose("tests.log", label="x")
    try:
        payment = payment_create(
            purpose="tests.log", amount=1000, payer=None, description="x", obj=citizen, idempotency_key="log-1"
        )
        client.post(f"/payments/p/{payment.token}/sandbox/", {"outcome": "paid"}, HTTP_X_REQUEST_ID="req-pay-1")
    finally:
        unregister_purpose("tests.log")
    row = AuditLog.objects.get(action="payments.payment.paid", object_id=str(payment.pk))
    assert row.request_id == "req-pay-1" and row.ip == "127.0.0.1"
    assert any(line["request_id"] == "req-pay-1" and line["status"] == 302 for line in request_log())


def test_formatter_keeps_extra_fields_and_exceptions():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", ("é",), None)
    record.dossier = "H01.1"
    try:
        raise ValueError("bad")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    data = json.loads(JSONFormatter().format(record))
    assert data["msg"] == "boom é" and data["dossier"] == "H01.1" and "ValueError: bad" in data["exc"]

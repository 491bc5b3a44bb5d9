"""core.sql builds the same instances and rows as the ORM for the statements it replaces, and the
session user read through it follows deactivation at once."""

import pytest
from django.db import connection

from core import sql
from core.audit.models import AuditLog
from core.audit.services import audit_record
from core.users import backends
from core.users.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_fetch_returns_model_instances_like_the_orm(citizen):
    select = sql.model_select(User, None, f"{connection.ops.quote_name('id')} = %s")
    (user,) = sql.fetch(select, [citizen.pk])
    orm = User.objects.get(pk=citizen.pk)
    assert isinstance(user, User) and not user._state.adding
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(orm, field.attname), field.name
    assert sql.fetch(select, [0]) == []


def test_fetch_of_some_columns_defers_the_others(citizen):
    select = sql.model_select(User, ["id", "email"], f"{connection.ops.quote_name('id')} = %s")
    (user,) = sql.fetch(select, [citizen.pk])
    assert user.get_deferred_fields() >= {"full_name", "phone"}
    assert user.full_name == citizen.full_name  # loads on access, like .only()


def test_insert_applies_defaults_and_json_like_save(citizen):
    row = AuditLog(actor=citizen, action="tests.sql.insert", object_type="x", object_id="1", after={"a": [1, "đ"]})
    sql.insert(row)
    stored = AuditLog.objects.get(pk=row.pk)
    assert stored.after == {"a": [1, "đ"]} and stored.at is not None and stored.actor_id == citizen.pk


def test_audit_record_writes_one_row_and_returns_it(citizen):
    row = audit_record(actor=citizen, action="tests.sql.audit", object_type="t", object_id=7, before=None, after={})
    assert AuditLog.objects.filter(pk=row.pk, action="tests.sql.audit", object_id="7").count() == 1


def test_session_user_backend_refuses_inactive_users_at_once(db):
    user = make_user("sql.backend@example.vn")
    backend = backends.ModelBackend()
    assert backend.get_user(user.pk) == user
    assert backend.get_user("not-a-number") is None and backend.get_user(10**12) is None
    User.objects.filter(pk=user.pk).update(is_active=False)  # no signal, no cache to clear
    assert backend.get_user(user.pk) is None


def test_signed_in_client_keeps_working_and_is_signed_out_when_deactivated(client, citizen):
    client.force_login(citizen)
    assert client.get("/").wsgi_request.user == citizen
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert not client.get("/").wsgi_request.user.is_authenticated

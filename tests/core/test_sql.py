"""core.sql builds the same instances as the ORM (the session's user here; the border gate's rows in
tests/border_gate/test_locking.py), refuses models it cannot handle like the ORM, and the session
user read through it follows deactivation at once."""

import pytest
from django.db import connection, models
from django.db.models.functions import Length

from core import sql
from core.users import backends
from core.users.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _same_as_orm(instance, orm, fields=None):
    assert type(instance) is type(orm) and not instance._state.adding
    for field in fields or type(orm)._meta.concrete_fields:
        assert getattr(instance, field.attname) == getattr(orm, field.attname), field.name


def test_fetch_returns_model_instances_like_the_orm(citizen):
    select = sql.model_select(User, None, f"{sql.col(User, 'id')} = %s")
    (user,) = sql.fetch(select, [citizen.pk])
    _same_as_orm(user, User.objects.get(pk=citizen.pk))
    assert sql.fetch(select, [0]) == []


def test_fetch_of_some_columns_defers_the_others(citizen):
    select = sql.model_select(User, ["email"], f"{sql.col(User, 'id')} = %s")
    (user,) = sql.fetch(select, [citizen.pk])
    assert user.pk == citizen.pk and user.get_deferred_fields() >= {"full_name", "phone"}
    assert user.full_name == citizen.full_name  # loads on access, like .only()


def test_extra_expressions_are_set_on_each_instance_like_annotate(citizen):
    users = connection.ops.quote_name(User._meta.db_table)
    select = sql.model_select(
        User,
        ["email"],
        f"{sql.col(User, 'id')} = %s",
        extra={"email_length": f"length({users}.{sql.col(User, 'email')})"},
    )
    (user,) = sql.fetch(select, [citizen.pk])
    annotated = User.objects.annotate(email_length=Length("email")).get(pk=citizen.pk)
    assert user.email_length == annotated.email_length == len(citizen.email)
    assert user.email == citizen.email and not hasattr(User.objects.get(pk=citizen.pk), "email_length")


def test_models_it_cannot_handle_are_refused():
    class Generated(models.Model):  # noqa: DJ008
        n = models.IntegerField()
        twice = models.GeneratedField(expression=models.F("n") * 2, output_field=models.IntegerField(), db_persist=True)

        class Meta:
            app_label = "tests_sql"

    class DbDefault(models.Model):  # noqa: DJ008
        n = models.IntegerField(db_default=1)

        class Meta:
            app_label = "tests_sql"

    class NaturalKey(models.Model):  # noqa: DJ008
        code = models.CharField(max_length=5, primary_key=True)

        class Meta:
            app_label = "tests_sql"

    for model in (Generated, DbDefault, NaturalKey):
        with pytest.raises(sql.UnsupportedModelError):
            sql.model_select(model, None, "TRUE")


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

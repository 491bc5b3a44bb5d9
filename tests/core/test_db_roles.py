"""The audit log is append-only for everyone, and the role the web and worker processes use owns
nothing: it cannot rewrite the audit log or the schema (core/db/roles.py, audit migration 0005).

The suite itself connects as a superuser (pytest-django creates the test database); these tests
switch to a fresh application role with SET ROLE inside the test's transaction, so the role and its
grants vanish with the rollback."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from core.audit.models import AuditLog
from core.audit.services import audit_record
from core.db.roles import ensure_roles, grant_app_privileges

pytestmark = pytest.mark.django_db


def _refused(statement: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError:
        return True
    return False


@pytest.fixture
def audit_row(citizen):
    return audit_record(actor=citizen, action="core.test.row", object_type="core.test", object_id=1, after={"a": 1})


def test_the_owner_cannot_truncate_update_or_delete_the_audit_log(audit_row):
    assert _refused("TRUNCATE audit_auditlog")
    assert _refused("TRUNCATE audit_auditlog CASCADE")
    assert _refused("UPDATE audit_auditlog SET action = 'x'")
    assert _refused("DELETE FROM audit_auditlog")
    assert AuditLog.objects.filter(pk=audit_row.pk, action="core.test.row").exists()


@pytest.fixture
def app_role():
    """A fresh application role with the grants `migrate` gives it, active for the test's statements."""
    role = f"portal_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        grant_app_privileges(cursor, app=role)
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_the_application_role_can_only_insert_and_read_the_audit_log(audit_row, app_role, citizen):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    # What the portal does every day still works as that role.
    written = audit_record(actor=citizen, action="core.test.second", object_type="core.test", object_id=2)
    assert AuditLog.objects.filter(pk=written.pk).exists()
    assert not _refused("UPDATE users_user SET last_login = now() WHERE id = %s", [citizen.pk])
    # History cannot be rewritten or emptied.
    assert _refused("UPDATE audit_auditlog SET action = 'forged' WHERE id = %s", [audit_row.pk])
    assert _refused("DELETE FROM audit_auditlog WHERE id = %s", [audit_row.pk])
    assert _refused("TRUNCATE audit_auditlog")
    # Nor can the schema: the role owns nothing, so no ALTER, DROP, trigger or table of its own.
    assert _refused("ALTER TABLE audit_auditlog DISABLE TRIGGER ALL")
    assert _refused("ALTER TABLE users_user ADD COLUMN stolen text")
    assert _refused("DROP TRIGGER audit_auditlog_no_update_delete ON audit_auditlog")
    assert _refused("DROP TABLE audit_auditlog")
    assert _refused("CREATE TABLE public.mine (id int)")
    assert _refused("TRUNCATE users_user CASCADE")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)", [app_role]
        )
        assert cursor.fetchone()[0] == 0
    assert AuditLog.objects.get(pk=audit_row.pk).action == "core.test.row"


def test_ensure_roles_hands_the_database_to_the_owner():
    """The superuser step `migrate` runs first (local profiles, compose): both roles exist, the owner
    owns every table of the schema, the application role none."""
    owner, app = (f"portal_{kind}_test_{uuid.uuid4().hex[:10]}" for kind in ("owner", "app"))
    with connection.cursor() as cursor:
        ensure_roles(cursor, database=connection.settings_dict["NAME"], owner=owner, app=app)
        cursor.execute(
            """SELECT r.rolname, count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
               JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
               WHERE c.relkind = 'r' AND c.relname <> 'spatial_ref_sys' GROUP BY r.rolname"""
        )
        owners = dict(cursor.fetchall())
    assert set(owners) == {owner} and owners[owner] > 50
    # Undone with the test's transaction (ownership and roles are transactional in PostgreSQL).


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_still_ends_with_a_flush(citizen):
    """The flush after a transactional test empties the audit log in the test profile only
    (core/db/backends/postgis): this test fails in its teardown if the trigger stops it."""
    audit_record(actor=citizen, action="core.test.flush", object_type="core.test", object_id=3)
    assert _refused("TRUNCATE audit_auditlog")

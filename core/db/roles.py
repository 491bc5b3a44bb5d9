"""The two database roles of a deployment (README "Configuration", docs/operations.md).

- The **owner** (`PORTAL_DB_OWNER_USER`) owns the database, its schema and every table; only
  `manage.py migrate` connects as it.
- The **application** role (`PORTAL_DB_USER`), used by the web and worker processes, owns nothing:
  SELECT/INSERT/UPDATE/DELETE on the tables, but only SELECT and INSERT on the audit log, and no
  TRUNCATE, ALTER or DROP anywhere. A bug, an injected statement or a stolen application password
  cannot rewrite history or the schema.

`ensure_roles` needs a superuser (`PORTAL_DB_SUPERUSER`, local profiles and the compose `migrate`
service); `grant_app_privileges` runs as the owner after every migration, so new tables are covered."""

from psycopg import sql

AUDIT_TABLE = "audit_auditlog"


def _role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def _ensure_login_role(cursor, role: str, password: str | None) -> None:
    if not _role_exists(cursor, role):
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(sql.Identifier(role)))
    if password:
        cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))


def ensure_roles(
    cursor, *, database: str, owner: str, app: str, owner_password: str | None = None, app_password: str | None = None
) -> None:
    """As a superuser, idempotently: create both roles, give the database (and so the `public`
    schema, owned by pg_database_owner since PostgreSQL 15) and every object of the schema that is
    not part of an extension to the owner. Objects created by an earlier superuser-run migrate are
    handed over. The owner may add rows to PostGIS's spatial_ref_sys (a custom SRID in a migration)."""
    _ensure_login_role(cursor, owner, owner_password)
    _ensure_login_role(cursor, app, app_password)
    cursor.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), sql.Identifier(owner)))
    cursor.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(owner)))
    cursor.execute(
        """
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = %s)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
          -- sequences owned by a column follow their table
          AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                   AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
        """,
        [owner],
    )
    kinds = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for name, kind in cursor.fetchall():
        cursor.execute(
            sql.SQL("ALTER {} {} OWNER TO {}").format(sql.SQL(kinds[kind]), sql.Identifier(name), sql.Identifier(owner))
        )
    cursor.execute("SELECT 1 FROM pg_class WHERE relname = 'spatial_ref_sys' AND relkind = 'r'")
    if cursor.fetchone():
        cursor.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON spatial_ref_sys TO {}").format(sql.Identifier(owner)))
    # The application connects and reads PostGIS's catalogue; nothing more at database level.
    cursor.execute(sql.SQL("REVOKE CREATE ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))
    cursor.execute(
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(database), sql.Identifier(app))
    )


def grant_app_privileges(cursor, *, app: str) -> None:
    """As the owner (after migrate): normal DML on every table, SELECT and INSERT only on the audit
    log, use of the sequences. Ownership, TRUNCATE, REFERENCES and TRIGGER stay with the owner."""
    role = sql.Identifier(app)
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
    cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(role))
    cursor.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role))
    cursor.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
    cursor.execute(
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
            sql.Identifier(AUDIT_TABLE), role
        )
    )

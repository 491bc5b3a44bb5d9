"""`migrate` as the owner role: Django's command, connected as `PORTAL_DB_OWNER_USER` when that is
set, and followed by the application role's grants (core/db/roles.py). With `PORTAL_DB_SUPERUSER`
set (local profiles, the compose `migrate` service) it first creates the roles and hands the
database to the owner. Without either setting (the test suite) it is Django's own command."""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections

from core.db import roles


def _reconnect_as(connection, user: str, password: str) -> None:
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()
    connection.settings_dict["USER"] = user
    connection.settings_dict["PASSWORD"] = password


class Command(DjangoMigrateCommand):
    help = DjangoMigrateCommand.help + " Connects as PORTAL_DB_OWNER_USER and grants the application role."

    def execute(self, *args, **options):
        # execute, not handle: Django's system checks, run before handle, already connect.
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        app_user = connection.settings_dict["USER"]
        app_password = connection.settings_dict.get("PASSWORD") or ""
        owner = settings.PORTAL_DB_OWNER_USER
        separate = bool(owner) and owner != app_user
        if separate and settings.PORTAL_DB_SUPERUSER:
            _reconnect_as(connection, settings.PORTAL_DB_SUPERUSER, settings.PORTAL_DB_SUPERUSER_PASSWORD)
            with connection.cursor() as cursor:
                roles.ensure_roles(
                    cursor,
                    database=connection.settings_dict["NAME"],
                    owner=owner,
                    app=app_user,
                    owner_password=settings.PORTAL_DB_OWNER_PASSWORD or None,
                    app_password=app_password or None,
                )
        if separate:
            _reconnect_as(connection, owner, settings.PORTAL_DB_OWNER_PASSWORD)
        try:
            output = super().execute(*args, **options)
            if separate:
                with connection.cursor() as cursor:
                    roles.grant_app_privileges(cursor, app=app_user)
        finally:
            if separate:
                _reconnect_as(connection, app_user, app_password)
        return output

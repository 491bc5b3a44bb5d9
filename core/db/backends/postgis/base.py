"""Django's PostGIS backend with one change for the test suite: a flush may empty the audit log.

The audit log refuses TRUNCATE with a trigger (core/audit/migrations/0005), and Django's `flush`
(run after every transactional test) truncates every table at once. In the test profile the flush
runs with `session_replication_role = replica`, which skips ordinary triggers; PostgreSQL lets only
a superuser set it (the test suite connects as one), and a superuser could drop the trigger anyway,
so this grants nobody anything new. Outside tests a flush is refused like any other TRUNCATE."""

from django.conf import settings
from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISDatabaseWrapper
from django.contrib.gis.db.backends.postgis.operations import PostGISOperations


class DatabaseOperations(PostGISOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if statements and getattr(settings, "TESTING", False):
            # execute_sql_flush runs the list in one transaction: SET LOCAL ends with it.
            return ["SET LOCAL session_replication_role = replica", *statements]
        return statements


class DatabaseWrapper(PostGISDatabaseWrapper):
    ops_class = DatabaseOperations

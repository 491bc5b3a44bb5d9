from django.db import migrations

# TRUNCATE skips row triggers, so the UPDATE/DELETE trigger of 0003 never saw it: a statement-level
# trigger refuses it too, for every role including the owner. The test suite's flush is the one
# exception, and only for a superuser (core/db/backends/postgis/base.py).
SQL = """
CREATE TRIGGER audit_auditlog_no_truncate
    BEFORE TRUNCATE ON audit_auditlog
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditlog_append_only();
"""

REVERSE = "DROP TRIGGER IF EXISTS audit_auditlog_no_truncate ON audit_auditlog;"


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditlog_agency")]
    operations = [migrations.RunSQL(SQL, REVERSE)]

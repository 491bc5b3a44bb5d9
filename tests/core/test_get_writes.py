"""The check behind "a GET never writes" (tests/get_writes.py) finds writes and only writes, on every GET."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.get_writes import unexpected_writes, write_targets


def test_writes_are_found_and_reads_and_locks_are_not():
    assert write_targets('UPDATE "users_user" SET "last_login" = NULL') == ["users_user"]
    assert write_targets('INSERT INTO "audit_auditlog" ("action") VALUES (\'UPDATE x\')') == ["audit_auditlog"]
    assert write_targets('WITH gone AS (DELETE FROM "t" RETURNING 1) SELECT count(*) FROM gone') == ["t"]
    assert write_targets('SELECT "updated_at" FROM "x" WHERE "id" = 1 FOR UPDATE OF "x" SKIP LOCKED') == []
    assert write_targets('SELECT "last_update" FROM "x" FOR NO KEY UPDATE') == []


def test_a_real_write_is_reported_and_an_audited_read_is_not(db):
    from core.audit.services import audit_record
    from core.signing.models import SigningCertificate

    with CaptureQueriesContext(connection) as queries:
        SigningCertificate.objects.filter(pk=0).update(is_active=False)
    assert any("signing_signingcertificate" in w for w in unexpected_writes(queries))
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=None, actor_label="test", action="test.read")
    assert unexpected_writes(queries) == []


def test_the_middleware_reports_a_get_that_writes_and_nothing_else(db, rf):
    from core.signing.models import SigningCertificate
    from tests.get_writes import GetWritesMiddleware, take_found

    def writing_view(request):
        SigningCertificate.objects.filter(pk=0).update(is_active=False)
        return "response"

    middleware = GetWritesMiddleware(writing_view)
    take_found()
    assert middleware(rf.get("/some/page/?x=1")) == "response"
    found = take_found()
    assert len(found) == 1 and found[0].startswith("GET /some/page/?x=1 (anonymous) -> signing_signingcertificate")
    middleware(rf.head("/some/page/"))
    assert len(take_found()) == 1  # HEAD is a read too
    middleware(rf.post("/some/page/"))
    middleware(rf.get("/accounts/oidc/vneid/login/callback/"))  # the protocol's GET that signs in
    assert take_found() == []

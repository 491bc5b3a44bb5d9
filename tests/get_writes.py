"""GET requests never write (issue 10). `tests/core/test_url_matrix.py` requests every named URL as
every persona inside `CaptureQueriesContext` and fails when a GET ran an INSERT, UPDATE or DELETE,
except on the tables below (each says why that write is no change of the portal's state).
`tests/core/test_get_writes.py` checks the detector itself. URLs the matrix skips (file downloads,
objects only their owner reaches) are requested by their own tests, which do not run this check."""

import re

EXEMPT_TABLES = {
    # The session store (cached_db): Django saves a session a request modified — the language a
    # visitor chose, a message queued for the next page, allauth's state. That is the visitor's own
    # scratch space, not the portal's data, and every HTTP framework writes it on GET too.
    "django_session": "the visitor's session (SESSION_ENGINE cached_db)",
    # django-axes writes only on a sign-in attempt (a POST) or, at most, refreshes its access record
    # at login; listed so that an axes upgrade recording page views does not read as our write.
    "axes_accessattempt": "django-axes' sign-in attempt record",
    "axes_accesslog": "django-axes' sign-in log",
    "axes_accessfailurelog": "django-axes' failed sign-in log",
}
# Tables a GET may only append to. The audit log records who read personal data (a land official
# reading a parcel's owners or searching them: `land.owner.view`, `land.owner.search`); a read that
# changed anything would also write that thing's own table, which is caught. UPDATE or DELETE of the
# audit log is never exempt (a trigger refuses it anyway: core/audit/migrations/0003).
# The transcript copy log is the same kind of record: which copy of a signed transcript was handed out
# to whom (ADR 1401), written when the copy is downloaded.
APPEND_ONLY_TABLES = {
    "audit_auditlog": "audited reads of personal data",
    "society_transcriptcopy": "the record of a transcript copy handed out",
}

# The first statement keyword of a write, optionally after a CTE (`WITH x AS (...) UPDATE ...`) or
# inside one (`WITH x AS (UPDATE ... RETURNING ...) SELECT ...`): find every write target in the SQL.
_WRITE = re.compile(
    r'\b(?P<verb>INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?"?(?P<table>[A-Za-z_][\w.]*)"?',
    re.IGNORECASE,
)
# `SELECT ... FOR UPDATE` locks rows; it is not a write (the keyword is followed by no table name in
# that form, but `FOR UPDATE OF "table"` is: strip the locking clauses before matching).
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE(?:\s+OF\s+[^;]*?)?(?:\s+(?:NOWAIT|SKIP\s+LOCKED))?", re.I)
_STRING = re.compile(r"'(?:[^']|'')*'")


def writes(sql: str) -> list[tuple[str, str]]:
    """(verb, table) of every write in an SQL statement (empty for a read): verb is INSERT, UPDATE
    or DELETE."""
    bare = _LOCKING.sub(" ", _STRING.sub("''", sql))
    return [(m.group("verb").split()[0].upper(), m.group("table").split(".")[-1]) for m in _WRITE.finditer(bare)]


def write_targets(sql: str) -> list[str]:
    """Tables an SQL statement writes to (empty for a read)."""
    return [table for _verb, table in writes(sql)]


def _exempt(verb: str, table: str) -> bool:
    return table in EXEMPT_TABLES or (verb == "INSERT" and table in APPEND_ONLY_TABLES)


def unexpected_writes(captured) -> list[str]:
    """The statements of a CaptureQueriesContext that wrote where a GET may not (see above)."""
    found = []
    for query in captured.captured_queries:
        tables = [table for verb, table in writes(query["sql"]) if not _exempt(verb, table)]
        if tables:
            found.append(f"{', '.join(tables)}: {query['sql'][:160]}")
    return found

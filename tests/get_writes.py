"""GET requests never write (issue 10), in the whole test suite.

`GetWritesMiddleware` is put first in MIDDLEWARE for every test run (tests/conftest.py): every GET or
HEAD that Django serves — through the test client, or the live server the browser tests drive —
records the statements it ran on every database connection of its thread, and any INSERT, UPDATE or
DELETE outside the tables below (each says why that write is no change of the portal's state) makes
the test that caused it fail at its teardown, naming the URL and the statement. The URL matrix
(`tests/core/test_url_matrix.py`) requests every named URL as every persona, so every page is
checked at least once; `tests/core/test_get_writes.py` checks the detector and the middleware."""

import re
import threading
from contextlib import ExitStack

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
    # The stored low-zoom parcel tiles (government/land/tiles.py, ADR 1202): a cache of what PostGIS
    # renders from the parcels, filled by the first request of a tile (or `land_tiles --warm`) and
    # dropped when a parcel in it changes. It holds nothing that is not derived from the parcels.
    "land_parceltile": "the cache of rendered parcel tiles",
}
# Tables a GET may only append to. The audit log records who read personal data (a land official
# reading a parcel's owners or searching them: `land.owner.view`, `land.owner.search`); a read that
# changed anything would also write that thing's own table, which is caught. UPDATE or DELETE of the
# audit log is never exempt (a trigger refuses it anyway: core/audit/migrations/0003).
# The transcript copy log is the same kind of record: which copy of a signed transcript was handed out
# to whom (ADR 1401), written when the copy is downloaded.
# The machine clients' call log is the same kind of record: every call of a key, reads included, is
# logged with its status, size and duration (ADR 1603, the clients' searchable call log).
APPEND_ONLY_TABLES = {
    "audit_auditlog": "audited reads of personal data",
    "society_transcriptcopy": "the record of a transcript copy handed out",
    "api_clients_apicall": "the machine clients' call log (ADR 1603)",
}
# Columns a GET may UPDATE, and nothing else of that row. A key's usage stamp shown to its
# administrators, written at most once a minute (core/api_clients/services.py), like Django's last_login.
# allauth's recovery-codes page records in the authenticator's `data` that its owner has seen the codes
# (so it stops reminding them to): the owner's own second-factor bookkeeping, by the library.
UPDATE_ONLY_COLUMNS = {
    "api_clients_apikey": ({"last_used_at"}, "when a machine client's key was last used"),
    "mfa_authenticator": ({"data"}, "allauth noting that the owner has seen their recovery codes"),
}

# Requests a protocol makes GETs that change state, the only ones. OpenID Connect returns the user
# from the identity provider (VNeID) with a GET carrying the authorization code; allauth completes the
# sign-in there: it creates or links the citizen's account and records the login (ADR 1101).
EXEMPT_PATHS = {
    re.compile(r"^/accounts/oidc/[\w-]+/login/callback/$"): "the OpenID Connect sign-in's return (ADR 1101)",
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


_SET_COLUMNS = re.compile(r"\bSET\s+(?P<columns>.*?)(?:\s+WHERE\b|$)", re.IGNORECASE | re.DOTALL)
_COLUMN = re.compile(r'"?(?P<column>\w+)"?\s*=')


def _updated_columns(sql: str) -> set[str]:
    match = _SET_COLUMNS.search(sql)
    return {m.group("column") for m in _COLUMN.finditer(match.group("columns"))} if match else set()


def _exempt(verb: str, table: str, sql: str = "") -> bool:
    if table in EXEMPT_TABLES or (verb == "INSERT" and table in APPEND_ONLY_TABLES):
        return True
    allowed = UPDATE_ONLY_COLUMNS.get(table, (set(),))[0]
    return verb == "UPDATE" and bool(allowed) and 0 < len(_updated_columns(sql)) and _updated_columns(sql) <= allowed


def unexpected_writes(captured) -> list[str]:
    """The statements of a CaptureQueriesContext that wrote where a GET may not (see above)."""
    found = []
    for query in captured.captured_queries:
        tables = [table for verb, table in writes(query["sql"]) if not _exempt(verb, table, query["sql"])]
        if tables:
            found.append(f"{', '.join(tables)}: {query['sql'][:160]}")
    return found


# -- the check on every GET/HEAD the tests make ------------------------------------------------------

_found: list[str] = []
_found_lock = threading.Lock()  # the live server answers on its own threads


class GetWritesMiddleware:
    """Test-only: records the writes a GET or HEAD made (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or any(p.match(request.path) for p in EXEMPT_PATHS):
            return self.get_response(request)
        from django.db import connections

        statements: list[str] = []

        def record(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(record))
            response = self.get_response(request)
        user = getattr(getattr(request, "user", None), "email", "") or "anonymous"
        bad = [
            f"{request.method} {request.get_full_path()} ({user}) -> {', '.join(tables)}: {sql[:200]}"
            for sql in statements
            if (tables := [table for verb, table in writes(sql) if not _exempt(verb, table, sql)])
        ]
        if bad:
            with _found_lock:
                _found.extend(bad)
        return response


def take_found() -> list[str]:
    """The writes recorded since the last call (and forget them)."""
    with _found_lock:
        found = list(_found)
        _found.clear()
    return found

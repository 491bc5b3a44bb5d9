"""The hostile corpus and the small tools the crawler of tests/verify/test_hostile_input.py uses: the
values, an HTML form reader and a row counter."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection

# The marker of the HTML value: found raw (unescaped) in a page means the page is open to XSS.
XSS_MARK = '<script>alert("xss-7f3a")</script>'

# Each value a real attacker or a broken client sends. Kept short enough that one value per field
# per form stays fast; the overlong one is longer than every field of the portal.
CORPUS: dict[str, str] = {
    "nul": "Lạng\x00Sơn",
    "overlong": "Ẫ" * 20_000,
    "deep_json": "[" * 3_000 + "]" * 3_000,
    "huge_int": "9" * 40,
    "huge_negative": "-" + "9" * 40,
    "int64_edge": str(2**63),
    "float_huge": "1e400",
    "nan": "NaN",
    "html": XSS_MARK + '<img src=x onerror="alert(1)">',
    "sql": "' OR '1'='1' --; DROP TABLE users_user; --",
    "rtl": "\u202egnp.exe\u202c \u200f\u061c",
    "emoji": "👨‍👩‍👧‍👦🇻🇳" * 3,
    "format": "%(secret)s {0.__class__} %s %n {{ settings.SECRET_KEY }}",
    "unicode_digits": "١٢٣٤",
    "date_invalid": "2026-02-31",
    "traversal": "../../../../etc/passwd",
}
# Path segments: the same kinds, within what a URL converter lets through (no "/").
PATH_VALUES: dict[str, str] = {
    "html": "<script>x</script>",
    "huge_int": "9" * 40,
    "sql": "' OR 1=1 --",
    "rtl": "\u202egnp",
    "emoji": "👨‍👩‍👧",
    "overlong": "A" * 3_000,
}
# Converter → a value of the right shape that names nothing (the view must answer 404, not 500).
PATH_SHAPES = {"int": "9" * 40, "uuid": "00000000-0000-4000-8000-000000000000"}

TEXT_INPUTS = {"text", "search", "email", "tel", "url", "password", "number", "date", "datetime-local", "time"}


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → candidate values (first: default)
    kinds: dict[str, str] = field(default_factory=dict)  # name → input type / "textarea" / "select"
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormReader(HTMLParser):
    """The forms of a page, with every named field, its kind and its default value(s)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                form.buttons.append((name, a.get("value", "")))
                return
            if kind in ("checkbox", "radio") and name in form.fields:
                form.fields[name].append(a.get("value", "on"))
                return
            form.kinds[name] = kind
            form.fields[name] = [a.get("value", "on" if kind in ("checkbox", "radio") else "")]
        elif tag == "textarea":
            form.kinds[name] = "textarea"
            form.fields[name] = [""]
            self._textarea = name
        elif tag == "select":
            form.kinds[name] = "select"
            form.fields[name] = []
            self._select = name
        elif tag == "button":
            form.buttons.append((name, a.get("value", "")))
        if tag == "option" and self._select:
            form.fields[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None and not self._form.fields[self._textarea][0]:
            self._form.fields[self._textarea][0] = data.strip()


def read_forms(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


# Tables a refused request may still write by design: sessions, the lockout's failed attempts, the
# audit log (a refused API call and a failed sign-in are audited), Celery's beat schedule.
# The API call log records refused calls by design (core.api_clients), like the audit log.
UNCOUNTED_PREFIXES = ("django_session", "axes_", "audit_", "django_celery_beat_", "api_clients_apicall")


def counted_tables() -> list[str]:
    tables = {
        m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy
    }
    return sorted(t for t in tables if not t.startswith(UNCOUNTED_PREFIXES))


def row_counts(tables: list[str]) -> dict[str, int]:
    """Rows of every table in one round trip (the crawler compares them around each refused request)."""
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))

"""The English translation is complete and is what English readers get.

- every catalogue of the project (README "Translations") has no untranslated and no fuzzy entry, keeps
  the placeholders of its source strings, and passes `msgfmt --check`;
- a string translated in two catalogues has one translation (Django merges all catalogues into one
  table per language: LOCALE_PATHS first, then INSTALLED_APPS in order; a second translation would be
  silently overridden);
- the catalogues are up to date with the code: regenerating them (the README command, run on a copy)
  finds no string without a translation;
- key pages, as each kind of visitor, are in English when the visitor chose English: known English
  strings are there, and none of the portal's Vietnamese source strings is left on the page.

The .po files are parsed with the standard library (polib is not a dependency).
"""

import ast
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
# Same exclusions as the README's makemessages command (plus the virtualenv and data folders).
SKIP_DIRS = {".venv", ".data", "node_modules", "staticfiles", "static", "tests", "bench", "docs", "scripts", "media"}
MAKEMESSAGES_IGNORES = ["staticfiles", "static", "node_modules", "tests", "bench", "docs", "scripts", "media"]


@pytest.fixture(autouse=True)
def reference_data_present(db):
    """A transactional test that ran earlier on the same xdist worker (tests/core/test_health.py) has
    flushed the database and nothing reloads it outside tests/browser and tests/border_gate: load the
    reference data (units, agencies, roles) the personas need when it is missing (idempotent)."""
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="citizen").exists():
        call_command("load_reference_data", verbosity=0)


# --- a small .po reader ------------------------------------------------------------------------------
@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index → text (0 for a singular entry)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (the header, msgid "", excluded)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None

    def finish():
        if current is not None and current.msgid:
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete fuzzy entry
                continue
        if not line:
            finish()
            current, key = None, None
            continue
        if line.startswith("#"):
            if current is not None and key is not None:  # a comment after the strings starts a new entry
                finish()
                current, key = None, None
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if current is None:
            current = Entry(line=number)
        current.obsolete = current.obsolete or obsolete
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            name, index, text = match.group(1), int(match.group(2) or 0), ast.literal_eval(match.group(3))
            if name == "msgid" and key is not None and key[0] == "msgstr":
                # two entries without a blank line between them (not written by gettext, but legal)
                finish()
                current = Entry(line=number, obsolete=obsolete)
            key = (name, index)
            _append(current, key, text)
        elif line.startswith('"') and key is not None:
            _append(current, key, ast.literal_eval(line))
    finish()
    return [e for e in entries if not e.obsolete]


def _append(entry: Entry, key: tuple[str, int], text: str) -> None:
    name, index = key
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    else:
        entry.msgid += text


def catalogues() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.po"):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & {".venv", ".data", "node_modules", "staticfiles"}:
            found.append(path)
    return sorted(found)


def english_catalogues() -> list[Path]:
    return [p for p in catalogues() if p.parts[-3] == "en"]


def merge_order(path: Path) -> int:
    """Django's precedence: LOCALE_PATHS first, then the apps in INSTALLED_APPS order."""
    if path.parent.parent.parent == ROOT / "locale":
        return -1
    app_dir = path.parents[3].relative_to(ROOT)
    label = ".".join(app_dir.parts)
    return settings.INSTALLED_APPS.index(label)


PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdif]|%[sdif]|\{[a-zA-Z_]\w*\}|%\([a-zA-Z_]\w*\)0?\d*d")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- the catalogues ----------------------------------------------------------------------------------
def test_the_project_has_the_expected_catalogues():
    """The layout of README "Translations": losing one (or regenerating into the wrong one) fails here."""
    expected = {
        "locale/en/LC_MESSAGES/django.po",
        "locale/vi/LC_MESSAGES/django.po",
        *(
            f"{app}/locale/en/LC_MESSAGES/django.po"
            for app in (
                "party",
                "government",
                "economy",
                "society",
                "border_gate",
                "core/indicators",
                "government/operations_centre",
                "core/audit",
                "core/notifications",
                "core/payments",
                "core/signing",
            )
        ),
    }
    assert expected <= {rel(p) for p in catalogues()}


@pytest.mark.parametrize("path", catalogues(), ids=rel)
def test_catalogue_is_complete(path):
    entries = parse_po(path)
    assert entries, f"{rel(path)} has no entries"
    untranslated = [f"{rel(path)}:{e.line} {e.msgid!r}" for e in entries if not e.translated]
    fuzzy = [f"{rel(path)}:{e.line} {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    assert not untranslated, "untranslated:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "fuzzy (review the translation, then delete the flag):\n  " + "\n  ".join(fuzzy)


@pytest.mark.parametrize("path", catalogues(), ids=rel)
def test_translations_keep_the_placeholders(path):
    wrong = []
    for e in parse_po(path):
        for index, text in e.msgstr.items():
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            # A plural's singular form may leave the number out ("one shop"); it may not invent one.
            want, got = placeholders(source), placeholders(text)
            if got != want and not (e.msgid_plural is not None and set(got) <= set(want)):
                wrong.append(f"{rel(path)}:{e.line} {e.msgid!r}: {want} → msgstr[{index}] {got}")
    assert not wrong, "placeholders changed:\n  " + "\n  ".join(wrong)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("path", catalogues(), ids=rel)
def test_msgfmt_check_is_clean(path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # --check also warns about header problems (missing fields, fuzzy header) on stderr.
    problems = [line for line in result.stderr.splitlines() if "translated message" not in line]
    assert not problems, "\n".join(problems)


def test_a_string_has_one_english_translation_across_catalogues():
    seen: dict[tuple, list[tuple[int, str, dict]]] = {}
    for path in english_catalogues():
        for e in parse_po(path):
            seen.setdefault((e.msgctxt, e.msgid), []).append((merge_order(path), rel(path), e.msgstr))
    conflicts = []
    for (ctxt, msgid), found in seen.items():
        if len({tuple(sorted(msgstr.items())) for _, _, msgstr in found}) > 1:
            winner = min(found)
            others = "; ".join(f"{path}: {text}" for order, path, text in found if (order, path, text) != winner)
            name = f"{ctxt}|{msgid}" if ctxt else msgid
            conflicts.append(f"{name!r}: shown everywhere as {winner[2]} ({winner[1]}), not: {others}")
    assert not conflicts, (
        "one source string, several translations (use pgettext/`context` for different meanings, or agree):\n  "
        + "\n  ".join(conflicts)
    )


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext is not installed")
def test_catalogues_are_up_to_date_with_the_code(tmp_path, monkeypatch):
    """The README command, run on a copy of the sources and catalogues, leaves no string untranslated:
    a string added to the code without its English fails here, naming the catalogue it belongs to."""
    copy = tmp_path / "src"
    for dirpath, dirnames, filenames in os.walk(ROOT):
        here = Path(dirpath)
        # prune what makemessages ignores (and .venv/.data, which are large)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS and d != "__pycache__"]
        for name in filenames:
            path = here / name
            parts = path.relative_to(ROOT).parts
            if path.suffix in {".py", ".html", ".txt"} or (path.suffix == ".po" and "en" in parts):
                target = copy.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages", locale=["en"], add_location="file", ignore_patterns=MAKEMESSAGES_IGNORES, verbosity=0
        )
    missing = []
    for path in sorted(copy.rglob("en/LC_MESSAGES/django.po")):
        for e in parse_po(path):
            if not e.translated or "fuzzy" in e.flags:
                missing.append(f"{path.relative_to(copy)}: {e.msgid!r}")
    assert not missing, "strings in the code without English (run the README command):\n  " + "\n  ".join(missing)
    new_catalogues = {p.relative_to(copy) for p in copy.rglob("en/LC_MESSAGES/django.po")} - {
        p.relative_to(ROOT) for p in english_catalogues()
    }
    assert not new_catalogues


def test_compiled_catalogues_translate_in_english():
    """What the pages below rely on: the catalogues are compiled (`make` runs compilemessages)."""
    with translation.override("en"):
        assert translation.gettext("Trung tâm điều hành") == "Operations centre"
        assert (
            translation.gettext("Cửa hàng số bán được hàng trong 30 ngày")
            == "Digital shops that sold in the last 30 days"
        )
        assert translation.gettext("Nhiệm vụ trọng tâm") == "Key tasks"
    with translation.override("vi"):
        assert translation.gettext("Trung tâm điều hành") == "Trung tâm điều hành"


# --- pages in English ---------------------------------------------------------------------------------
_SPLIT = re.compile(PLACEHOLDER.pattern + r"|<[^>]+>|\s*[—–:;·()«»/]\s*")


def _source_fragments() -> list[str]:
    """Literal pieces of the portal's Vietnamese source strings that an English page must not show:
    pieces of 8+ characters with a Vietnamese letter (shorter ones are too often part of data, e.g.
    the "Xã" of "Xã Đồng Đăng"), taken from every English catalogue where the translation differs."""
    fragments = set()
    for path in english_catalogues():
        for e in parse_po(path):
            if e.msgstr.get(0) == e.msgid:
                continue
            for piece in _SPLIT.split(e.msgid):
                piece = (piece or "").strip(" .,!?“”\"'")
                if len(piece) >= 8 and re.search(r"[^\x00-\x7f]", piece) and piece not in e.msgstr.get(0, ""):
                    fragments.add(piece)
    return sorted(fragments, key=len, reverse=True)


def _visible_text(html: str) -> str:
    """Text a reader sees or hears: text nodes and the accessible attributes; no scripts or styles.
    `title` is left out: the operations centre puts each target's source there, a citation of the
    Vietnamese resolution kept as reference data."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    attributes = re.findall(r'\b(?:aria-label|placeholder|alt)="([^"]*)"', html)
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(text + " " + " ".join(attributes)))


# Reference data shown on the pages (names of units, agencies, crossings, procedures, the national DTI
# framework) is Vietnamese in both languages: it is taken out of the page text before the check.
DATA_FIELDS = [
    ("geo", "AdministrativeUnit", ["name"]),
    ("agencies", "Agency", ["name", "short_name"]),
    ("government", "Procedure", ["name"]),
    ("operations_centre", "DtiFramework", ["name", "decision", "notes"]),
    ("operations_centre", "DtiNode", ["name", "source_note"]),
    ("border_gate", "Crossing", ["name"]),
]


def _data_strings() -> list[str]:
    from django.apps import apps

    values = set()
    for app_label, model_name, fields in DATA_FIELDS:
        model = apps.get_model(app_label, model_name)
        for row in model.objects.values_list(*fields):
            values |= {v for v in row if v}
    return sorted(values, key=len, reverse=True)


def assert_english(response, *, present: list[str]):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert '<html lang="en">' in html
    text = _visible_text(html)
    for expected in present:
        assert expected in text, f"{expected!r} missing from {response.request['PATH_INFO']}"
    for value in _data_strings():
        text = text.replace(value, " ")
    left = [f for f in FRAGMENTS if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text)]
    assert not left, f"Vietnamese UI text on the English page {response.request['PATH_INFO']}: {left}"


FRAGMENTS = _source_fragments()

HEADER = ["Lạng Sơn DX Portal", "Skip to main content", "Tiếng Việt"]  # the switch offers the other language


@pytest.fixture
def english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


PUBLIC_PAGES = [
    ("home", {}, ["Sign in", "Register a citizen account", "Digital government", "Statistics"]),
    ("government:index", {}, ["Digital government"]),
    ("government:procedure-list", {}, ["Procedure"]),
    ("border_gate:index", {}, ["Digital border gate"]),
    ("economy:index", {}, ["Digital economy", "Indicators tracked"]),
    ("economy:agents", {}, ["Soft-ATM agent points"]),
    ("society:index", {}, ["Digital society", "Indicators tracked"]),
    ("party:index", {}, ["Party agencies"]),
    ("operations_centre:public", {}, ["Lạng Sơn digital transformation statistics", "Open data", "Period"]),
    ("account_login", {}, ["Sign in", "Forgot your password?"]),
    ("account_signup", {}, ["Register", "Already have an account?"]),
]


@pytest.mark.parametrize(("name", "kwargs", "present"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_public_page_in_english(english, name, kwargs, present):
    assert_english(english.get(reverse(name, kwargs=kwargs)), present=HEADER + present)


def test_citizen_pages_in_english(english, login, citizen):
    login(citizen, english)
    assert_english(english.get(reverse("home")), present=["Hello,", "My account", "Sign out", "Statistics"])
    assert_english(english.get(reverse("government:my-dossiers")), present=["My dossiers"])


def test_province_leader_pages_in_english(english, login, province_leader):
    login(province_leader, english)
    home = english.get(reverse("home"))
    assert_english(home, present=["My work", "Smart operations centre (IOC)", "Operations centre"])
    dashboard = english.get(reverse("operations_centre:dashboard"))
    assert_english(dashboard, present=["Smart operations centre", "Download the data (XLSX)", "Public statistics"])
    assert 'aria-current="page">Operations centre<' in dashboard.content.decode()
    assert_english(english.get(reverse("operations_centre:dti")), present=["DTI self-assessment", "Assessment year"])
    assert_english(english.get(reverse("party:tasks")), present=["Resolution 49-NQ/TU key tasks"])
    assert_english(english.get(reverse("party:documents")), present=["Party documents"])


def test_commune_official_pages_in_english(english, login, commune_official):
    login(commune_official, english)
    assert_english(english.get(reverse("operations_centre:dashboard")), present=["Smart operations centre"])
    assert_english(english.get(reverse("economy:shops")), present=["Record a new shop"])
    assert_english(english.get(reverse("economy:communes")), present=["Digital economy by commune"])
    assert_english(english.get(reverse("society:schools")), present=["Schools and digital transcripts"])
    assert_english(english.get(reverse("society:teams")), present=["Community technology teams"])


def test_the_header_switch_turns_the_portal_english(client, db):
    """What a visitor does: press "English" in the header, then browse."""
    response = client.post(reverse("users:switch-language"), {"language": "en", "next": reverse("economy:index")})
    assert response.status_code == 302
    assert_english(client.get(response["Location"]), present=["Digital economy"])
    assert_english(client.get(reverse("home")), present=["What the portal offers"])


def test_numbers_are_grouped_in_each_language(english, client):
    from django.template import Context, Template

    template = Template("{{ n }} {{ x }} {% load l10n %}{{ year|unlocalize }}")
    context = Context({"n": 116301, "x": 0.5, "year": 2025})
    with translation.override("vi"):
        assert template.render(context) == "116.301 0,5 2025"
    with translation.override("en"):
        assert template.render(context) == "116,301 0.5 2025"


# --- navigation: what exists can be reached -----------------------------------------------------------
IOC_PERSONAS = ["province_leader", "department_official", "commune_official", "party_official", "sysadmin"]
OTHER_PERSONAS = ["citizen", "enterprise_rep", "border_guard", "outsider"]


def _menu(client, path="/"):
    html = client.get(path).content.decode()
    nav = re.search(r'(?s)<nav aria-label="[^"]*" class="pillars">(.*?)</nav>', html).group(1)
    return re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)


@pytest.mark.parametrize("persona", IOC_PERSONAS + OTHER_PERSONAS + ["anonymous"])
def test_menu_offers_the_operations_centre_to_its_roles_and_statistics_to_everyone(request, client, login, persona):
    if persona != "anonymous":
        login(request.getfixturevalue(persona))
    else:
        request.getfixturevalue("db")
    menu = _menu(client)
    urls = [url for url, _, _ in menu]
    ioc, public = reverse("operations_centre:dashboard"), reverse("operations_centre:public")
    assert public in urls and [label for url, _, label in menu if url == public] == ["Số liệu thống kê"]
    assert (ioc in urls) == (persona in IOC_PERSONAS)
    if persona in IOC_PERSONAS:
        assert urls[0] == ioc, "the operations centre comes first: the menu scrolls sideways at 360 px"
    # The menu only offers what opens: every link answers without a 403 or a login redirect.
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (persona, url, response.status_code)
    # Short enough for a 360 px screen: the four public pillars and statistics, at most seven entries.
    assert len(menu) <= (7 if persona in IOC_PERSONAS else 5)


def test_menu_marks_the_most_specific_entry_as_current(client, login, province_leader):
    login(province_leader)
    for path, label in [
        (reverse("operations_centre:dashboard"), "Trung tâm điều hành"),
        (reverse("operations_centre:dti"), "Trung tâm điều hành"),
        (reverse("operations_centre:public"), "Số liệu thống kê"),
        (reverse("government:procedure-list"), "Chính quyền số"),
    ]:
        current = [lbl for _, cur, lbl in _menu(client, path) if cur]
        assert current == [label], (path, current)


def test_home_panel_links_the_operations_centre_only_to_its_roles(client, login, province_leader, border_guard):
    ioc, dti = reverse("operations_centre:dashboard"), reverse("operations_centre:dti")
    login(province_leader)
    panel = client.get("/").content.decode().split('data-panel="core.official_work"')[1].split("</section>")[0]
    assert f'href="{ioc}"' in panel and f'href="{dti}"' in panel
    login(border_guard)
    panel = client.get("/").content.decode().split('data-panel="core.official_work"')[1].split("</section>")[0]
    assert ioc not in panel and dti not in panel
    assert reverse("audit:log") in panel  # what a border officer may open is still there

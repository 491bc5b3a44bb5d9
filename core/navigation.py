"""Site navigation by pillar, filtered by role. Each entry names the roles that may use it; the
menu shows only what the signed-in user may open (the views enforce the same rules).

Two menus: the pillars (SITE_NAV, at most 7 entries so they fit a 360 px screen) and, for
officials, their daily work across pillars (WORK_NAV: documents, meetings, periodic reporting), a
second row that appears only with at least one entry the person may open.

A menu depends only on the person's roles, whether they belong to an agency, the language and the
URL configuration, never on the request: it is worked out once per such combination and process
(`_menu`), and each page only marks its current entry."""

import functools
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.users import roles


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    roles: frozenset[str] | None  # None: everyone, including anonymous visitors
    description: object = ""
    # Pages about the person's own agency (its documents, its meetings) need one: a documents role
    # without an agency opens nothing there (government.documents.permissions.is_document_user).
    needs_agency: bool = False


# The operations centre comes first for the officials who may open it: it is their main page, and
# the menu scrolls sideways at 360 px, so the first items are the ones visible without scrolling.
# Its roles are the dashboard's own (core.users.roles.OPERATIONS_CENTRE_ROLES), so menu and view agree.
OPERATIONS_CENTRE = NavItem(
    _("Trung tâm điều hành"),
    "operations_centre:dashboard",
    frozenset(roles.OPERATIONS_CENTRE_ROLES),
    _("Chỉ tiêu chuyển đổi số của mọi trụ cột, bản đồ xã, phường và mục tiêu Nghị quyết 49-NQ/TU."),
)

PILLAR_NAV = [
    NavItem(
        _("Chính quyền số"),
        "government:index",
        None,
        _("Dịch vụ công trực tuyến toàn trình: nộp hồ sơ, nộp phí và nhận kết quả điện tử."),
    ),
    NavItem(
        _("Cửa khẩu số"),
        "border_gate:index",
        None,
        _("Khai báo phương tiện, thủ tục của các lực lượng chức năng và bãi xe tại cửa khẩu."),
    ),
    NavItem(
        _("Kinh tế số"),
        "economy:index",
        None,
        _("Cửa hàng số, thanh toán điện tử và điểm ATM mềm tại xã, phường."),
    ),
    NavItem(
        _("Xã hội số"),
        "society:index",
        None,
        _("Giáo dục số, học bạ số và tổ công nghệ số cộng đồng."),
    ),
    NavItem(
        _("Cơ quan Đảng"),
        "party:index",
        frozenset({roles.PARTY_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN}),
        _("Nghị quyết, chỉ thị và tiến độ nhiệm vụ chuyển đổi số của cấp ủy."),
    ),
]

# The public statistics and open-data page (no login, no personal data), last: it is for everyone.
PUBLIC_STATISTICS = NavItem(
    _("Số liệu thống kê"),
    "operations_centre:public",
    None,
    _("Các chỉ tiêu chuyển đổi số chính của tỉnh và dữ liệu mở (CSV, JSON)."),
)

SITE_NAV = [OPERATIONS_CENTRE, *PILLAR_NAV, PUBLIC_STATISTICS]

# An official's work across pillars (issue 16: documents and reporting were reachable only from
# the home page). The roles are the views' own (core.users.roles), so menu and pages agree.
WORK_NAV = [
    # Menu words in their own context: the same Vietnamese word is a page title elsewhere ("Văn bản").
    NavItem(
        pgettext_lazy("work menu", "Văn bản"), "documents:index", frozenset(roles.DOCUMENT_ROLES), needs_agency=True
    ),
    NavItem(
        pgettext_lazy("work menu", "Công việc"), "documents:tasks", frozenset(roles.DOCUMENT_ROLES), needs_agency=True
    ),
    NavItem(
        pgettext_lazy("work menu", "Lịch họp"), "meetings:calendar", frozenset(roles.DOCUMENT_ROLES), needs_agency=True
    ),
    NavItem(pgettext_lazy("work menu", "Báo cáo định kỳ"), "reporting:index", frozenset(roles.REPORTING_ROLES)),
]


def _key(user) -> tuple:
    if user is None or not user.is_authenticated:
        return (frozenset(), False, False)
    return (frozenset(user.role_names), bool(user.is_superuser), bool(user.agency_id))


@functools.lru_cache(maxsize=512)
def _menu(entries: str, key: tuple, language, urlconf, script_prefix) -> tuple[tuple[str, str, str], ...]:
    """(label, url, description) of the entries open to `key` (roles, superuser, has an agency), as
    strings in `language`. The language, URL configuration and script prefix are part of the cache
    key because the labels and URLs depend on them (the view's request has already set them)."""
    user_roles, superuser, has_agency = key
    out = []
    for item in SITE_NAV if entries == "site" else WORK_NAV:
        if item.roles is not None and not (user_roles & item.roles) and not superuser:
            continue
        if item.needs_agency and not has_agency:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append((str(item.label), url, str(item.description)))
    return tuple(out)


@receiver(setting_changed)
def _forget_menus(*, setting, **kwargs):
    # Tests that swap the URL configuration or the languages see menus built for the new ones.
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}:
        _menu.cache_clear()


def _entries(entries: str, user, path: str) -> list[dict]:
    menu = _menu(entries, _key(user), get_language(), get_urlconf(), get_script_prefix())
    items = [{"label": label, "url": url, "description": d, "current": False} for label, url, d in menu]
    matches = [i for i in items if path and path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items


def navigation_for(user, path: str = "") -> list[dict]:
    """The menu for `user`: [{"label", "url", "description", "current"}]. `current` marks the one
    entry whose URL is the longest prefix of `path` (for aria-current): the operations centre lives
    under /government/operations-centre/, so on its pages it is current, not "Chính quyền số" (/government/).
    The home page lists the same entries as cards with their descriptions."""
    return _entries("site", user, path)


def work_navigation_for(user, path: str = "") -> list[dict]:
    """The official's work menu (WORK_NAV) for `user`, the same shape as navigation_for; empty for
    citizens, visitors and officials whose roles open none of it."""
    return _entries("work", user, path)

"""Site navigation by pillar, filtered by role. Each entry names the roles that may use it; the
menu shows only what the signed-in user may open (the views enforce the same rules)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.users import roles


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    roles: frozenset[str] | None  # None: everyone, including anonymous visitors
    description: object = ""


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


def navigation_for(user, path: str = "") -> list[dict]:
    """The menu for `user`: [{"label", "url", "description", "current"}]. `current` marks the one
    entry whose URL is the longest prefix of `path` (for aria-current): the operations centre lives
    under /government/operations-centre/, so on its pages it is current, not "Chính quyền số" (/government/).
    The home page lists the same entries as cards with their descriptions."""
    user_roles = user.role_names if user is not None and user.is_authenticated else set()
    items = []
    for item in SITE_NAV:
        if item.roles is not None and not (user_roles & item.roles) and not getattr(user, "is_superuser", False):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "description": item.description, "current": False})
    matches = [i for i in items if path and path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items

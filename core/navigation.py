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


def navigation_for(user, path: str = "") -> list[dict]:
    """The pillar menu for `user`: [{"label", "url", "current"}]; `current` marks the pillar whose
    pages contain `path` (for aria-current)."""
    user_roles = user.role_names if user is not None and user.is_authenticated else set()
    items = []
    for item in PILLAR_NAV:
        if item.roles is not None and not (user_roles & item.roles) and not getattr(user, "is_superuser", False):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": item.label,
                "url": url,
                "description": item.description,
                "current": bool(path) and path.startswith(url),
            }
        )
    return items

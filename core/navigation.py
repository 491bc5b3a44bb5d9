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


PILLAR_NAV = [
    NavItem(_("Chính quyền số"), "government:index", None),
    NavItem(_("Cửa khẩu số"), "border_gate:index", None),
    NavItem(_("Kinh tế số"), "economy:index", None),
    NavItem(_("Xã hội số"), "society:index", None),
    NavItem(
        _("Cơ quan Đảng"),
        "party:index",
        frozenset({roles.PARTY_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN}),
    ),
]


def navigation_for(user) -> list[dict]:
    user_roles = user.role_names if user is not None and user.is_authenticated else set()
    items = []
    for item in PILLAR_NAV:
        if item.roles is not None and not (user_roles & item.roles) and not getattr(user, "is_superuser", False):
            continue
        try:
            items.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return items

"""core's own panels on the role-aware home page (pillars register theirs in <app>/home_panels.py)."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from core.home import register_panel
from core.users import roles


def _first_url(*names: str) -> str | None:
    # Pillars and core services name their pages; a link appears once its page exists.
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _keeps_documents(user) -> bool:
    """An official of an agency with a documents role (government.documents.permissions.is_document_user)."""
    return bool(user.agency_id and user.role_names & set(roles.DOCUMENT_ROLES))


def _manages_api_clients(user) -> bool:
    """Issues or reads machine clients: system administrators, and an agency's administrators
    (core.api_clients.services.may_manage asks the same of their own agency)."""
    return user.is_superuser or user.has_role(roles.SYSTEM_ADMIN) or user.has_perm("api_clients.manage_api_clients")


def _official_context(request) -> dict:
    user = request.user
    # The operations centre and its DTI self-assessment open only to its own roles (a border officer
    # would get a 403): offer them to those roles only, the same rule as the site menu.
    may_use_operations_centre = user.is_superuser or bool(user.role_names & set(roles.OPERATIONS_CENTRE_ROLES))
    candidates = [
        (
            _("Trung tâm điều hành thông minh (IOC)"),
            ("operations_centre:dashboard",) if may_use_operations_centre else (),
        ),
        (_("Tự đánh giá chỉ số chuyển đổi số (DTI)"), ("operations_centre:dti",) if may_use_operations_centre else ()),
        # The officials' work across pillars, offered only to those whose role opens it (the site menu
        # keeps to the pillars: seven entries fit a 360 px screen).
        (_("Văn bản, điều hành"), ("documents:index",) if _keeps_documents(user) else ()),
        (_("Báo cáo định kỳ"), ("reporting:index",) if user.role_names & set(roles.REPORTING_ROLES) else ()),
        (_("Kết nối API"), ("api_clients:list",) if _manages_api_clients(user) else ()),
        (_("Tra cứu nhật ký kiểm toán"), ("audit:log",)),
        (_("Quản trị hệ thống"), ("admin:index",) if user.is_staff else ()),
        (_("Xác thực hai lớp của tôi"), ("mfa_index",)),
    ]
    links = []
    for label, names in candidates:
        url = _first_url(*names)
        if url:
            links.append({"label": label, "url": url})
    return {
        "role_labels": [roles.LABELS[name] for name in roles.ALL if name in user.role_names],
        "links": links,
    }


def _citizen_context(request) -> dict:
    user = request.user
    missing = []
    if not user.full_name:
        missing.append(_("họ và tên"))
    if not user.phone:
        missing.append(_("số điện thoại"))
    if not user.citizen_id:
        missing.append(_("số CCCD"))
    return {"missing": missing, "service_url": _first_url("government:index")}


register_panel(
    "core.official_work",
    roles=roles.OFFICIAL_ROLES,
    template="core/home/_official.html",
    context=_official_context,
    order=5,
)
register_panel(
    "core.my_account",
    roles=roles.PUBLIC_ROLES,
    template="core/home/_citizen.html",
    context=_citizen_context,
    order=90,
)

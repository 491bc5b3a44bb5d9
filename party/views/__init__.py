"""Thin views of the party agencies pillar, one module per part of the process."""

from django.utils.translation import gettext_lazy

from core.landing import Service, pillar_landing
from party.permissions import PARTY_ROLES, TASK_ROLES, VIEW_ROLES

# What the pillar offers, shown on its landing page (core.landing).
SERVICES = [
    Service(gettext_lazy("Nhiệm vụ trọng tâm Nghị quyết 49-NQ/TU"), "party:tasks", TASK_ROLES),
    Service(gettext_lazy("Văn bản Đảng"), "party:documents", VIEW_ROLES),
    Service(gettext_lazy("Hộp thư văn bản Đảng"), "party:inbox", PARTY_ROLES),
    Service(gettext_lazy("Tổ chức Đảng, đảng viên"), "party:organisations", PARTY_ROLES),
    Service(gettext_lazy("Ban chỉ đạo chuyển đổi số"), "party:committees", VIEW_ROLES),
]


def index(request):
    return pillar_landing(request, pillar="party", title=gettext_lazy("Cơ quan Đảng"), services=SERVICES)

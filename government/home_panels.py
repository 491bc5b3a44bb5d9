"""The government pillar's panels on the role-aware home page (autodiscovered by core)."""

from core.home import register_panel
from core.users import roles


def _my_dossiers(request):
    from government.selectors import my_dossiers_summary

    return {"dossiers": my_dossiers_summary(request.user)}


def _work_queue(request):
    from government.selectors import queue_counts

    return {"counts": queue_counts(request.user)}


register_panel(
    "government.my_dossiers",
    roles={roles.CITIZEN, roles.ENTERPRISE},
    template="government/home/_my_dossiers.html",
    context=_my_dossiers,
    order=10,
)
register_panel(
    "government.work_queue",
    roles={roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL},
    template="government/home/_work_queue.html",
    context=_work_queue,
    order=10,
)

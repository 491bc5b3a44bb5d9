"""The border gate's panels on the role-aware home page (autodiscovered by core)."""

from core.home import register_panel
from core.users import roles


def _my_entries(request):
    from border_gate.selectors import entries_for_declarant

    return {"entries": list(entries_for_declarant(request.user)[:5])}


def _officer(request):
    from border_gate.selectors import officer_steps, queue_counts

    steps = officer_steps(request.user)
    counts = queue_counts(steps)
    return {"steps": [(s, counts.get(s.pk, 0)) for s in steps[:12]]}


register_panel(
    "border_gate.my_entries",
    roles={roles.ENTERPRISE},
    template="border_gate/home/_my_entries.html",
    context=_my_entries,
    order=30,
)
register_panel(
    "border_gate.officer",
    roles={roles.BORDER_OFFICER},
    template="border_gate/home/_officer.html",
    context=_officer,
    order=10,
)

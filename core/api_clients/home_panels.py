"""The machine-clients panel on the home page of the administrators who issue keys (autodiscovered
by core): how many of their agency's clients are active and how many calls were refused today."""

from core.home import register_panel
from core.users import roles


def _context(request):
    from django.utils import timezone

    from core.api_clients import selectors, services

    user = request.user
    if not (selectors.sees_every_client(user) or (user.agency_id and services.may_manage(user, agency=user.agency))):
        return {"show": False}
    clients = selectors.clients_for(user)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    refused = selectors.calls_for(user).filter(at__gte=today, status__gte=400).count()
    return {"show": True, "active": clients.filter(is_active=True).count(), "refused": refused}


register_panel(
    "api_clients.keys",
    roles=set(roles.OFFICIAL_ROLES),
    template="api_clients/home/_panel.html",
    context=_context,
    order=80,
)

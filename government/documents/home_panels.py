"""The documents panel on officials' home page (autodiscovered by core)."""

from core.home import register_panel
from government.documents.permissions import DOCUMENT_ROLES


def _inbox(request):
    from government.documents.permissions import is_document_user
    from government.documents.selectors import inbox_counts

    if not is_document_user(request.user):
        return {"counts": None}
    counts = inbox_counts(request.user)
    return {"counts": counts, "waiting": sum(counts.values())}


register_panel(
    "documents.inbox",
    roles=set(DOCUMENT_ROLES),
    template="documents/home/_inbox.html",
    context=_inbox,
    order=15,
)

"""The periodic-reporting panel on officials' home page (autodiscovered by core): what the user's
unit still has to file, and what waits for the user's review."""

from core.home import register_panel
from government.reporting.permissions import READER_ROLES


def _context(request):
    from government.reporting import selectors

    mine = selectors.my_periods(request.user, limit=12)
    to_file = [
        row
        for row in mine
        if row.period.is_open() and (row.report is None or row.report.status in ("draft", "returned"))
    ]
    review = [p for p in selectors.review_periods(request.user, limit=12) if p.submitted > p.accepted]
    if not mine and not review:
        return {"show": False}
    return {"show": True, "to_file": len(to_file), "to_review": len(review)}


register_panel(
    "reporting.periodic", roles=set(READER_ROLES), template="reporting/home/_panel.html", context=_context, order=20
)

"""What every part of the border gate's services shares: its errors, the officer's scope checks, the
actor's label and the coalesced board refresh."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from border_gate.models import (
    StepDefinition,
)
from border_gate.scope import OfficerScope, officer_scope
from core.errors import InvalidTransitionError, ServiceError


class BorderGateError(ServiceError):
    """A refused action of the border gate, with a message for the user (translated)."""


class TransitionError(BorderGateError, InvalidTransitionError):
    """The entry or its step is not in a state that allows the action."""


def label_of(actor, label: str = "") -> str:
    if label:
        return label
    if getattr(actor, "is_authenticated", False):
        return actor.email
    return "system"


def require_scope(officer, step: StepDefinition) -> OfficerScope:
    scope = officer_scope(officer)
    if scope is None or not scope.allows(step):
        raise TransitionError(_("Bước này không thuộc lực lượng hoặc cửa khẩu của bạn."))
    return scope


def officer_lookup(officer, code: str) -> dict:
    """The look-up of an entry by its code within the officer's crossing (all crossings for system
    administrators). Raises TransitionError for a user who is not a border officer."""
    scope = officer_scope(officer)
    if scope is None:
        raise TransitionError(_("Bạn không thuộc lực lượng nào tại cửa khẩu."))
    return {"code": code} if scope.crossing is None else {"code": code, "crossing_id": scope.crossing.pk}


# Board refreshes are coalesced: at most one message per crossing per this many seconds.
QUEUE_RECOMPUTE_WINDOW = 2


def enqueue_queue_recompute(crossing_id: int) -> None:
    """After the commit, schedule one board refresh for the crossing, however many steps commit
    in the window (otherwise 20 steps/s would mean 20 broker messages/s and as many recomputes).
    The first commit of a window sets a flag (one Redis SET NX) and sends a message delayed by the
    window, so the task sees every change of the window; the flag expires when the task is due, so
    a change committed after that schedules the next run. `robust`: the decision is committed —
    a cache or broker hiccup must not turn it into an error page (the beat job refreshes boards
    every minute anyway)."""
    from django.core.cache import cache

    from border_gate import selectors, tasks

    def enqueue():
        if cache.add(selectors.cache_key("recompute", crossing_id), 1, timeout=QUEUE_RECOMPUTE_WINDOW):
            tasks.recompute_queue.apply_async((crossing_id,), countdown=QUEUE_RECOMPUTE_WINDOW)

    transaction.on_commit(enqueue, robust=True)

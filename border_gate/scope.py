"""Where a border officer works (crossing and force): read by selectors and services alike, so it
imports neither."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Subquery

from border_gate import locking
from border_gate.models import (
    Crossing,
    StepDefinition,
)
from core.users import roles


@dataclass(frozen=True)
class OfficerScope:
    """Where an officer works. None means every crossing / every force (system administrators)."""

    crossing: Crossing | None
    force: str | None

    def steps(self):
        qs = StepDefinition.objects.filter(is_active=True).select_related("crossing")
        if self.crossing is not None:
            qs = qs.filter(crossing=self.crossing)
        if self.force is not None:
            qs = qs.filter(force=self.force)
        return qs

    def allows(self, step: StepDefinition) -> bool:
        return (self.crossing is None or step.crossing_id == self.crossing.pk) and (
            self.force is None or step.force == self.force
        )


def officer_scope(user) -> OfficerScope | None:
    """The officer's crossing and force, or None. Memoised on the user object (one request's user,
    or a test's), keyed by what it depends on: one decision asks for it three times (the view's
    scope, `require_scope` in the service, the decision itself) and the crossing is read once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return OfficerScope(None, None)
    key = (user.pk, user.agency_id, frozenset(user.role_names))
    memo = getattr(user, "_border_gate_scope", None)
    if memo is not None and memo[0] == key:
        return memo[1]
    scope = _officer_scope(user)
    user._border_gate_scope = (key, scope)
    return scope


# Agency → (crossing, force), per process. Every officer request needs it and it changes only
# with reference data (agencies and crossings are loaded from versioned files): a query per request
# for it was ~8 % of a decision's CPU. Saving an Agency or a Crossing clears this process's copy
# (signals, apps.py); other processes see a change within SCOPE_CACHE_SECONDS. The user's own
# agency and roles are still read on every request, so moving an officer to another agency or
# removing their role takes effect at once.
SCOPE_CACHE_SECONDS = 60.0


_scope_cache: dict[int, tuple[float, OfficerScope | None]] = {}


def clear_reference_copies(**_kwargs) -> None:
    """Forget the per-process copies of reference data: officers' scopes and step definitions."""
    _scope_cache.clear()
    locking.clear_definitions()


def _officer_scope(user) -> OfficerScope | None:
    """A border-force agency's crossing and force (one query, then cached per agency)."""
    if not user.has_role(roles.BORDER_OFFICER) or user.agency_id is None:
        return None
    now = time.monotonic()
    hit = _scope_cache.get(user.agency_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    scope = _agency_scope(user.agency_id)
    _scope_cache[user.agency_id] = (now + SCOPE_CACHE_SECONDS, scope)
    return scope


def _agency_scope(agency_id: int) -> OfficerScope | None:
    from core.agencies.models import Agency

    agency = Agency.objects.filter(pk=agency_id, kind="border_force")
    crossing = (
        Crossing.objects.filter(code=Subquery(agency.values("crossing_code")[:1]))
        .annotate(officer_force=Subquery(agency.values("force")[:1]))
        .first()
    )
    if crossing is None:
        return None
    return OfficerScope(crossing, crossing.officer_force)

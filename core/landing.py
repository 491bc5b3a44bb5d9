"""The pillars' landing pages, one implementation: what a pillar offers, filtered by the visitor's
roles the one way (core.permissions.user_has_role), and the indicators it tracks."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render

from core.indicators.registry import all_indicators
from core.permissions import user_has_role


@dataclass(frozen=True)
class Service:
    """One entry of a pillar's landing page; `roles` None: everyone sees it."""

    label: str
    url_name: str
    roles: tuple[str, ...] | None = None


def visible_services(services: list[Service], user) -> list[Service]:
    return [s for s in services if s.roles is None or user_has_role(user, *s.roles)]


def pillar_landing(request, *, pillar: str, title, services: list[Service], with_indicators=True, **context):
    """Render `<pillar>/index.html` (which extends core/pillar_index.html) with the services the user
    may use and the pillar's registered indicators (`with_indicators=False`: a pillar whose landing
    page shows its live figures instead)."""
    return render(
        request,
        f"{pillar}/index.html",
        {
            "pillar_title": title,
            "services": visible_services(services, request.user),
            "indicators": all_indicators(pillar) if with_indicators else [],
            **context,
        },
    )

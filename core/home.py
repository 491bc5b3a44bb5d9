"""Registry of the role-aware home page's panels.

A pillar shows its part of the home page by registering a panel in `<app>/home_panels.py`
(autodiscovered by core, like admin.py), so core never imports a pillar:

    from core.home import register_panel
    register_panel("government.my_dossiers", roles={"citizen", "enterprise_representative"},
                   template="government/home/_my_dossiers.html", context=lambda request: {...}, order=10)

`roles=None` means every signed-in user. Anonymous visitors never see panels (the home page shows
them what the portal offers instead). A superuser sees every panel.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    name: str
    roles: frozenset[str] | None
    template: str
    context: Callable | None
    order: int

    def allowed_for(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if self.roles is None or user.is_superuser:
            return True
        return bool(user.role_names & self.roles)


_panels: dict[str, Panel] = {}


def register_panel(
    name: str,
    *,
    roles: Iterable[str] | None,
    template: str,
    context: Callable | None = None,
    order: int = 100,
) -> Panel:
    """Register (or replace, so a module imported twice does no harm) the panel `name`."""
    panel = Panel(
        name=name,
        roles=None if roles is None else frozenset(roles),
        template=template,
        context=context,
        order=order,
    )
    _panels[name] = panel
    return panel


def unregister_panel(name: str) -> None:
    _panels.pop(name, None)


def registered_panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.name))


def panels_for(user) -> list[Panel]:
    return [p for p in registered_panels() if p.allowed_for(user)]


def panel_contexts(request) -> list[dict]:
    """Every panel the request's user may see, in order: [{"name", "template", "context"}].

    Each panel's `context(request)` runs its own selector. The home page renders the panels with
    {% render_panel %} (core/templatetags/portal_home.py) inside its own request context, so a
    panel's template sees its context plus everything a page has (`request`, `user`, `csrf_token`,
    the menu), and the context processors run once per page rather than once per panel."""
    out = []
    for panel in panels_for(request.user):
        context = dict(panel.context(request) if panel.context else {})
        context.setdefault("panel_name", panel.name)
        out.append({"name": panel.name, "template": panel.template, "context": context})
    return out


def render_panels(request) -> list[dict]:
    """Render every panel the request's user may see on its own, in order: [{"name", "html"}] (for
    callers outside a page; the home page uses `panel_contexts`)."""
    return [
        {"name": p["name"], "html": render_to_string(p["template"], p["context"], request=request)}
        for p in panel_contexts(request)
    ]

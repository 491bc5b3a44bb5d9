"""Template tags of the role-aware home page (core.home)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel: dict):
    """Render one home panel (from `core.home.panel_contexts`) inside the page's own context, the way
    {% include %} does: the page's context processors ran once for the whole page, where
    rendering each panel on its own ran them all again per panel (the menu, messages, CSRF...)."""
    tmpl = context.template.engine.get_template(panel["template"])
    with context.push(panel["context"]):
        return tmpl.render(context)

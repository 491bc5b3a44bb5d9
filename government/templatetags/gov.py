from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter(name="data_text")
def data_text_filter(text) -> str:
    """A procedure catalogue text (label, document, fee note, result, step) in the page's language."""
    from government.data_text import data_text

    return data_text(str(text or ""))


@register.filter
def vnd(amount) -> str:
    """1234000 → "1.234.000 ₫" (Vietnamese grouping, integer VND)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return f"{value:,}".replace(",", ".") + " ₫"


@register.inclusion_tag("government/_deadline.html")
def deadline_badge(state: dict):
    return {"d": state}


@register.filter
def status_class(status: str) -> str:
    return {
        "completed": "ok",
        "rejected": "bad",
        "supplement": "warn",
        "awaiting_payment": "warn",
    }.get(status, "")


@register.simple_tag
def days_label(days) -> str:
    return _("%(n)s ngày làm việc") % {"n": days}

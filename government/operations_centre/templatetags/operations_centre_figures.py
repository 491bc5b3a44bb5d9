"""Number formatting for figures: grouped thousands in every language (Django's Vietnamese locale
has no NUMBER_GROUPING, so floatformat/intcomma print 116301 instead of 116.301)."""

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def num(value, decimals=None):
    """`{{ v|num }}`: integers as 116.301 (vi) / 116,301 (en); other values with up to 2 decimals,
    trailing zeros dropped; `{{ v|num:1 }}` exactly one decimal. None → "—"."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if decimals is None:
        text = f"{number:,.0f}" if number == int(number) else f"{number:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{number:,.{int(decimals)}f}"
    thousand, decimal = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousand)

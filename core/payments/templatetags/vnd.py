from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """1234000 → "1.234.000 ₫" (Vietnamese grouping with dots, the đồng sign after the number),
    whatever the active language: amounts are always shown the way the receipt prints them."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", ".") + " ₫"

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """Integer VND with Vietnamese thousands separators: 4000000 → "4.000.000"."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return "—"

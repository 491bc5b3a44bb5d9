from django import template

from border_gate.congestion import explained

register = template.Library()


@register.filter
def vnd(value) -> str:
    """Integer VND with Vietnamese thousands separators: 4000000 → "4.000.000"."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return "—"


@register.filter
def change_rows(changes) -> list:
    """A version's changes as (label, before, after), for people (border_gate.labels)."""
    from border_gate.labels import change_rows as rows

    return rows(changes or {})


@register.filter
def snapshot_rows(snapshot) -> list:
    """A declaration snapshot as (key, label, value), for people (border_gate.labels)."""
    from border_gate.labels import snapshot_rows as rows

    return rows(snapshot or {})


@register.simple_tag
def congestion_note() -> str:
    """The congestion bands in words (border_gate.congestion.explained)."""
    return explained()

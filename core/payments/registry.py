"""Payment purposes: each pillar registers what a payment is for, in `<app>/payment_purposes.py`
(autodiscovered by core at start-up):

    register_purpose("government.dossier_fee", label=_("Lệ phí hồ sơ"), on_paid=handler, return_url=func)

`on_paid(payment)` runs exactly once, inside the transaction that marks the payment paid, with the
Payment row locked: whatever it writes commits or rolls back with the payment. `return_url(payment)`
is where the payer is sent after paying.

`amount_due(payment)` answers what the payment's object owes *now* (int VND), or None when it owes
nothing any more (closed, cancelled, settled another way). It is called first in the transaction
that applies a bank's confirmation and must lock the object's row (select_for_update): a re-pricing
holds that lock while it calls `payments_supersede(payable=...)`, so the two never interleave and a
link whose amount is not the amount due is recorded for refund instead of settling the fee.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Purpose:
    name: str
    label: str
    on_paid: Callable | None
    return_url: Callable | None
    amount_due: Callable | None = None


_purposes: dict[str, Purpose] = {}


def register_purpose(
    name: str,
    *,
    label,
    on_paid: Callable | None = None,
    return_url: Callable | None = None,
    amount_due: Callable | None = None,
) -> None:
    if not name or "." not in name:
        raise ImproperlyConfigured(f"payment purpose {name!r} must be '<app>.<what>'")
    _purposes[name] = Purpose(name=name, label=label, on_paid=on_paid, return_url=return_url, amount_due=amount_due)


def get_purpose(name: str) -> Purpose:
    try:
        return _purposes[name]
    except KeyError:
        raise ImproperlyConfigured(f"payment purpose {name!r} is not registered (payment_purposes.py)") from None


def is_registered(name: str) -> bool:
    return name in _purposes


def unregister_purpose(name: str) -> None:
    """For tests that register a throw-away purpose."""
    _purposes.pop(name, None)

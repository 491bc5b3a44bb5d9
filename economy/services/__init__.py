"""Writes of the digital economy pillar, split by part of the process:

- `shops`: households, digital shops on e-commerce platforms, agents registered by the commune;
- `ledger`: the double-entry ledger (the one way money moves; ADR 1301).

Callers import the function from its module (`from economy.services import ledger`); the shop
functions stay importable from `economy.services` for existing callers.
"""

from economy.services.shops import (
    EconomyError,
    digital_shop_close,
    digital_shop_register,
    households_set,
    shop_sales_import_csv,
    shop_sales_record,
    soft_atm_agent_register,
)

__all__ = [
    "EconomyError",
    "digital_shop_close",
    "digital_shop_register",
    "households_set",
    "shop_sales_import_csv",
    "shop_sales_record",
    "soft_atm_agent_register",
]

"""Models of the digital economy pillar, by part of the process: households and digital shops
(`shops`), the double-entry ledger (`ledger`) and the soft-ATM network with its wallets
(`soft_atm`)."""

from economy.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from economy.models.shops import (
    COMMUNES_2025,
    CommuneHouseholds,
    DigitalShop,
    EpaymentAccount,
    EpaymentMonthlyUse,
    EpaymentProviderClient,
    Household,
    Platform,
    ProductCategory,
    ShopMonthlySales,
    ShopProduct,
    SoftAtmAgent,
)
from economy.models.soft_atm import (
    AgentStaff,
    BankSupervisor,
    CashOutRequest,
    CommissionRule,
    LimitRule,
    Operation,
    Reconciliation,
    Wallet,
)

__all__ = [
    "COMMUNES_2025",
    "AgentStaff",
    "BankSupervisor",
    "CashOutRequest",
    "CommissionRule",
    "CommuneHouseholds",
    "DigitalShop",
    "EpaymentAccount",
    "EpaymentMonthlyUse",
    "EpaymentProviderClient",
    "Household",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "LimitRule",
    "Operation",
    "Platform",
    "ProductCategory",
    "Reconciliation",
    "ShopMonthlySales",
    "ShopProduct",
    "SoftAtmAgent",
    "Wallet",
]

"""Models of the digital economy pillar, by part of the process: households and digital shops
(`shops`), the double-entry ledger (`ledger`) and the soft-ATM network with its wallets
(`soft_atm`)."""

from economy.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from economy.models.shops import (
    COMMUNES_2025,
    CommuneHouseholds,
    DigitalShop,
    EpaymentAccount,
    Platform,
    SoftAtmAgent,
)

__all__ = [
    "COMMUNES_2025",
    "CommuneHouseholds",
    "DigitalShop",
    "EpaymentAccount",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Platform",
    "SoftAtmAgent",
]

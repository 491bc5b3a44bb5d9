import pytest


@pytest.fixture(autouse=True)
def _fresh_economy_caches():
    """Per-process copies (the limit rules, the bank's account ids) outlive each test's rollback."""
    from economy.services import ledger, wallets

    wallets.clear_rules_cache()
    ledger.clear_system_account_cache()
    yield
    wallets.clear_rules_cache()
    ledger.clear_system_account_cache()

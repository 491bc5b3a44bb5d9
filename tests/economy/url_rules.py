from tests.url_matrix import AUTH, PUBLIC, SKIP, Rule, roles

VIEW = ("commune_official", "department_official", "province_leader")
MEMBERSHIP = (
    "membership-based (agent staff, bank supervisor; 403 for every persona): tested in "
    "tests/economy/test_soft_atm_pages.py"
)
RULES = [
    Rule("economy:index", PUBLIC),
    Rule("economy:agents", PUBLIC),
    Rule("economy:shops", roles(*VIEW)),
    Rule("economy:communes", roles(*VIEW)),
    Rule("economy:households", roles(*VIEW)),
    Rule("economy:shop-register", roles("commune_official", "department_official")),
    Rule("economy:household-new", roles("commune_official", "department_official")),
    Rule(
        "economy:household-edit",
        SKIP("commune-scoped (404 for another commune's household): tests/economy/test_households.py"),
    ),
    Rule("economy:epayment-use-import", roles("department_official")),
    Rule("economy:shop-close", SKIP("POST only; tested in tests/economy/test_economy.py")),
    Rule("economy:wallet", AUTH),
    Rule("economy:my-shops", AUTH),
    Rule(
        "economy:shop-sales",
        SKIP("ownership-based (404 for anyone but the shop's owner): tests/economy/test_shop_sales.py"),
    ),
    Rule("economy:products", PUBLIC),
    Rule("economy:sales-import", roles("commune_official", "department_official")),
    Rule("economy:wallet-pay", SKIP("needs a payment link's token; tested in tests/economy/test_wallet_payments.py")),
    Rule("economy:counter", SKIP(MEMBERSHIP)),
    Rule("economy:counter-confirm", SKIP(MEMBERSHIP)),
    Rule("economy:supervision", SKIP(MEMBERSHIP)),
    Rule("economy:reconciliation-resolve", SKIP(MEMBERSHIP)),
    Rule("economy:supervision-transactions", SKIP(MEMBERSHIP)),
    Rule("economy:transaction-reverse", SKIP(MEMBERSHIP)),
    Rule("economy-api:agent-list", PUBLIC),
    Rule("economy-api:product-list", PUBLIC),
    Rule("economy-api:wallet", SKIP("404 for a person without a wallet; tests/economy/test_api.py")),
    Rule("economy-api:wallet-transfer", SKIP("POST only; tests/economy/test_api.py")),
    Rule("economy-api:shop-sales", SKIP("ownership-based; tests/economy/test_api.py")),
    Rule("economy-api:commune-figures", roles(*VIEW)),
    Rule("economy-api:transaction-reverse", SKIP("POST only; tests/economy/test_api.py")),
    Rule(
        "economy-api:epayment-use-report",
        SKIP("POST with a provider's API key only; tests/economy/test_epayment_use_api.py"),
    ),
]

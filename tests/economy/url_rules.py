from tests.url_matrix import PUBLIC, SKIP, Rule, roles

VIEW = ("commune_official", "department_official", "province_leader")
RULES = [
    Rule("economy:index", PUBLIC),
    Rule("economy:agents", PUBLIC),
    Rule("economy:shops", roles(*VIEW)),
    Rule("economy:communes", roles(*VIEW)),
    Rule("economy:shop-register", roles("commune_official", "department_official")),
    Rule("economy:shop-close", SKIP("POST only; tested in tests/economy/test_economy.py")),
]

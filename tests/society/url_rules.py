from tests.url_matrix import PUBLIC, SKIP, Rule, roles

VIEW = ("commune_official", "department_official", "province_leader")
RULES = [
    Rule("society:index", PUBLIC),
    Rule("society:schools", roles(*VIEW)),
    Rule("society:teams", roles(*VIEW)),
    Rule(
        "society:team-detail", SKIP("needs a team of a given commune; scoping tested in tests/society/test_society.py")
    ),
]

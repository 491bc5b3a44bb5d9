from tests.url_matrix import PUBLIC, SKIP, Rule, roles

VIEW = ("party_official", "province_leader")
RULES = [
    Rule("party:index", PUBLIC),
    Rule("party:tasks", roles(*VIEW)),
    Rule("party:documents", roles(*VIEW)),
    Rule("party:task-detail", SKIP("needs a task; tested in tests/party/test_party.py")),
]

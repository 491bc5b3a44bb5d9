from tests.url_matrix import PUBLIC, Rule

RULES = [
    Rule("party:index", PUBLIC),
]

from tests.url_matrix import PUBLIC, Rule

RULES = [
    Rule("economy:index", PUBLIC),
]

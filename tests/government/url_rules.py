from tests.url_matrix import PUBLIC, Rule

RULES = [
    Rule("government:index", PUBLIC),
]

from tests.url_matrix import PUBLIC, Rule

RULES = [
    Rule("society:index", PUBLIC),
]

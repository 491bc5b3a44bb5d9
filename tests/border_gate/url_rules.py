from tests.url_matrix import PUBLIC, Rule

RULES = [
    Rule("border_gate:index", PUBLIC),
]

from tests.url_matrix import PUBLIC, SKIP, Rule

RULES = [
    Rule("home", PUBLIC),
    Rule("health", SKIP("answers 503 when no Celery worker runs; tested in tests/core/test_health.py")),
    Rule("bench-bare", PUBLIC),
    Rule("api-schema", PUBLIC),
    Rule("api-docs", PUBLIC),
    Rule("api-redoc", PUBLIC),
    Rule("set_language", SKIP("POST only; tested by the language switch test")),
]

"""Access rules of the machine clients' pages and the LGSP namespace (core.api_clients)."""

from tests.url_matrix import SKIP, Rule, roles

OFFICIALS = (
    "commune_official",
    "department_official",
    "province_leader",
    "border_officer",
    "party_official",
    "system_administrator",
    "finance_officer",
)
LGSP = "Api-Key authentication; tested in tests/api_clients/test_api_clients.py"

RULES = [
    Rule("api_clients:list", roles(*OFFICIALS)),
    Rule("api_clients:calls", roles(*OFFICIALS)),
    Rule("api_clients:create", SKIP("needs ?kind= and an agency the user manages; tested in test_api_clients.py")),
    Rule("api_clients:detail", SKIP("a client of the user's agency; 404 for others, tested in test_api_clients.py")),
    Rule("api_clients:revoke", SKIP("POST only; tested in test_api_clients.py")),
    Rule("api_clients:key-rotate", SKIP("POST only; tested in test_api_clients.py")),
    Rule("api_clients:key-revoke", SKIP("POST only; tested in test_api_clients.py")),
    Rule("lgsp:admin-units", SKIP(LGSP)),
    Rule("lgsp:statistics", SKIP(LGSP)),
    Rule("lgsp:dossier-status", SKIP(LGSP)),
    Rule("lgsp:border-traffic", SKIP(LGSP)),
    Rule("lgsp:documents", SKIP("Api-Key authentication; tested in tests/documents/test_api.py")),
    Rule("lgsp:document", SKIP("Api-Key authentication; tested in tests/documents/test_api.py")),
    Rule("lgsp:meetings", SKIP("Api-Key authentication; tested in tests/documents/test_api.py")),
    Rule("lgsp:meeting", SKIP("Api-Key authentication; tested in tests/documents/test_api.py")),
]

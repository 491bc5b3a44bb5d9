from tests.url_matrix import PUBLIC, SKIP, Rule, roles

ROLES = ("province_leader", "department_official", "commune_official", "party_official")
# A commune official is scoped to their own commune (5977): another commune's page is not found.
RULES = [
    Rule("operations_centre:dashboard", roles(*ROLES)),
    Rule("operations_centre:commune", roles(*ROLES), kwargs={"code": 6184}, overrides={"commune_official": 404}),
    Rule("operations_centre:export-xlsx", roles(*ROLES)),
    Rule(
        "operations_centre:export-pdf",
        SKIP("PDF rendering is slow; tested in tests/operations_centre/test_dashboard.py"),
    ),
    Rule(
        "operations_centre:commune-export-xlsx",
        roles(*ROLES),
        kwargs={"code": 6184},
        overrides={"commune_official": 404},
    ),
    Rule("operations_centre:commune-export-pdf", SKIP("PDF rendering is slow; same access as the XLSX export")),
    Rule("operations_centre:geojson", roles(*ROLES)),
    Rule("operations_centre:map-values", roles(*ROLES)),
    Rule("operations_centre:panel", roles(*ROLES), kwargs={"code": "border_gate.crossings"}),
    Rule("operations_centre:refresh", SKIP("POST only; tested in tests/operations_centre/test_dashboard.py")),
    Rule("operations_centre:run", SKIP("needs a run; tested in tests/operations_centre/test_dashboard.py")),
    Rule("operations_centre:run-retry", SKIP("POST only; tested in tests/operations_centre/test_snapshots.py")),
    Rule("operations_centre:dti", roles(*ROLES)),
    Rule(
        "operations_centre:dti-entry",
        roles("department_official"),
        kwargs={"year": 2026, "node_code": "3.1"},
    ),
    Rule("operations_centre:public", PUBLIC),
    Rule("operations_centre:public-csv", PUBLIC),
    Rule("operations_centre:public-json", PUBLIC),
]

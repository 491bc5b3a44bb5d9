from tests.url_matrix import PUBLIC, SKIP, Rule, roles

IOC = ("province_leader", "department_official", "commune_official", "party_official")
# A commune official is scoped to their own commune (5977): another commune's page is not found.
RULES = [
    Rule("government:ioc-dashboard", roles(*IOC)),
    Rule("government:ioc-commune", roles(*IOC), kwargs={"code": 6184}, overrides={"commune_official": 404}),
    Rule("government:ioc-export-xlsx", roles(*IOC)),
    Rule(
        "government:ioc-export-pdf", SKIP("PDF rendering is slow; tested in tests/operations_centre/test_dashboard.py")
    ),
    Rule("government:ioc-commune-export-xlsx", roles(*IOC), kwargs={"code": 6184}, overrides={"commune_official": 404}),
    Rule("government:ioc-commune-export-pdf", SKIP("PDF rendering is slow; same access as the XLSX export")),
    Rule("government:ioc-geojson", roles(*IOC)),
    Rule("government:ioc-map-values", roles(*IOC)),
    Rule("government:ioc-border-panel", roles(*IOC)),
    Rule("government:ioc-refresh", SKIP("POST only; tested in tests/operations_centre/test_dashboard.py")),
    Rule("government:ioc-run", SKIP("needs a run; tested in tests/operations_centre/test_dashboard.py")),
    Rule("government:ioc-run-retry", SKIP("POST only; tested in tests/operations_centre/test_snapshots.py")),
    Rule("government:ioc-dti", roles(*IOC)),
    Rule(
        "government:ioc-dti-entry",
        roles("department_official"),
        kwargs={"year": 2026, "node_code": "3.1"},
    ),
    Rule("government:ioc-public", PUBLIC),
    Rule("government:ioc-public-csv", PUBLIC),
    Rule("government:ioc-public-json", PUBLIC),
]

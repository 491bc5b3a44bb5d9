from tests.url_matrix import AUTH, PUBLIC, SKIP, Rule, roles

VIEW = ("commune_official", "department_official", "province_leader")
RULES = [
    Rule("society:index", PUBLIC),
    Rule("society:schools", roles(*VIEW)),
    Rule("society:teams", roles(*VIEW)),
    Rule(
        "society:team-detail", SKIP("needs a team of a given commune; scoping tested in tests/society/test_society.py")
    ),
    Rule("society:school-home", AUTH),
    *[
        Rule(name, SKIP("needs a school membership (SchoolStaff) or a student record; tests/society/test_gradebook.py"))
        for name in (
            "society:class-detail",
            "society:class-conduct",
            "society:gradebook",
            "society:gradebook-history",
            "society:student-detail",
        )
    ],
    *[
        Rule(name, SKIP("POST only; tests/society/test_gradebook.py"))
        for name in ("society:gradebook-finish", "society:gradebook-unlock")
    ],
]

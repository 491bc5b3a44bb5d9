from tests.url_matrix import AUTH, PUBLIC, SKIP, Rule, roles

VIEW = ("commune_official", "department_official", "province_leader")
RULES = [
    Rule("society:index", PUBLIC),
    Rule("society:schools", roles(*VIEW)),
    Rule("society:teams", roles(*VIEW)),
    Rule(
        "society:team-detail", SKIP("needs a team of a given commune; scoping tested in tests/society/test_society.py")
    ),
    Rule("society:team-new", roles("commune_official", "department_official")),
    *[
        Rule(name, SKIP("needs a team of a given commune; tests/society/test_team_management.py"))
        for name in ("society:team-edit", "society:team-members", "society:team-member-remove")
    ],
    Rule("society:school-home", AUTH),
    # The education department's officials (agency so-gddt) too: tests/society/test_subjects.py.
    Rule("society:subjects", roles("system_administrator")),
    Rule("society:subject-new", roles("system_administrator")),
    Rule("society:subject-edit", SKIP("needs a subject; tests/society/test_subjects.py")),
    *[
        Rule(name, SKIP("needs a school membership (SchoolStaff) or a student record; tests/society/test_gradebook.py"))
        for name in (
            "society:class-detail",
            "society:class-conduct",
            "society:class-qualities",
            "society:class-awards",
            "society:gradebook",
            "society:gradebook-history",
            "society:student-detail",
            "society:homeroom-history",
        )
    ],
    *[
        Rule(name, SKIP("POST only; tests/society/test_homeroom_books.py"))
        for name in ("society:homeroom-finish", "society:homeroom-unlock")
    ],
    *[
        Rule(name, SKIP("POST only; tests/society/test_gradebook.py"))
        for name in ("society:gradebook-finish", "society:gradebook-unlock")
    ],
    Rule("society:school-detail", SKIP("needs a school membership; tests/society/test_transcripts.py")),
    Rule("society:signing-job", SKIP("needs a signing job of the persona's school; tests/society/test_transcripts.py")),
    Rule("society:transcript-pdf", SKIP("file download checked per person in tests/society/test_transcripts.py")),
    Rule(
        "society:transcript-verify",
        SKIP("public, needs a signed transcript's code; tests/society/test_transcripts.py (anonymous client)"),
    ),
    *[
        Rule(name, SKIP("POST only; tests/society/test_transcripts.py"))
        for name in ("society:sign-class", "society:sign-school", "society:transfer-send", "society:transfer-receive")
    ],
    Rule("society:my-teams", AUTH),
    Rule("society:household-visit-new", SKIP("needs a team membership; tests/society/test_teams.py")),
    Rule("society:broadcasts", roles(*VIEW)),
    Rule("society:broadcast-new", roles(*VIEW)),
    Rule("society:loudspeaker-schedule", roles(*VIEW)),
    # A commune official's own commune's times: an administrator has no commune to set them for.
    Rule("society:loudspeaker-slots", roles("commune_official"), overrides={"sysadmin": 403}),
    Rule(
        "society:broadcast-detail", SKIP("needs a broadcast of the persona's commune; tests/society/test_broadcasts.py")
    ),
    Rule("society:broadcast-action", SKIP("POST only; tests/society/test_broadcasts.py")),
    Rule("society:broadcast-resend", SKIP("POST only; tests/society/test_broadcasts.py")),
]

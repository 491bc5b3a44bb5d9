from tests.url_matrix import PUBLIC, SKIP, Rule, roles

VIEW = ("party_official", "province_leader")
TASKS = ("party_official", "province_leader", "department_official", "commune_official")


def _org(personas):
    from party.models import PartyOrganisation

    return {"pk": PartyOrganisation.objects.get(code="tinh-uy").pk}


RULES = [
    Rule("party:index", PUBLIC),
    Rule("party:tasks", roles(*TASKS)),
    Rule("party:task-rollup", roles(*TASKS)),
    Rule("party:documents", roles(*VIEW)),
    Rule("party:task-detail", SKIP("needs a task; tested in tests/party/test_party.py")),
    Rule("party:task-evidence", SKIP("a file download of a report; tested in tests/party/test_party.py")),
    Rule("party:organisations", roles("party_official")),
    Rule("party:organisation-detail", roles("party_official"), kwargs=_org),
    Rule("party:member-create", SKIP("needs a Party cell in scope; tested in tests/party/test_organisations.py")),
    Rule("party:member-edit", SKIP("needs a member in scope; tested in tests/party/test_organisations.py")),
]

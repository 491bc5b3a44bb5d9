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
    Rule("party:member-position", SKIP("POST only; tested in tests/party/test_organisations.py")),
    Rule("party:document-create", roles("party_official")),
    Rule("party:inbox", roles("party_official")),
    Rule(
        "party:document-detail", SKIP("needs a document the persona may see; tested in tests/party/test_documents.py")
    ),
    Rule("party:document-issue", SKIP("POST only; tested in tests/party/test_documents.py")),
    Rule("party:document-attach", SKIP("POST only; tested in tests/party/test_documents.py")),
    Rule("party:document-distribute", SKIP("POST only; tested in tests/party/test_documents.py")),
    Rule("party:document-remind", SKIP("POST only; tested in tests/party/test_documents.py")),
    Rule("party:document-acknowledge", SKIP("POST only; tested in tests/party/test_documents.py")),
    Rule("party:document-file", SKIP("a file download; tested in tests/party/test_documents.py")),
    Rule("party:document-pdf", SKIP("a file download; tested in tests/party/test_documents.py")),
    Rule("party:committees", roles(*VIEW)),
    Rule("party:committee-detail", SKIP("needs a committee; tested in tests/party/test_committees.py")),
    Rule("party:committee-member-add", SKIP("POST only; tested in tests/party/test_committees.py")),
    Rule("party:committee-member-change", SKIP("POST only; tested in tests/party/test_committees.py")),
    Rule("party:committee-meeting", SKIP("POST only; tested in tests/party/test_committees.py")),
    Rule("party-api:inbox", roles("party_official")),
    Rule("party-api:inbox-acknowledge", SKIP("POST only; tested in tests/party/test_api.py")),
    Rule("party-api:task-list", roles(*TASKS)),
    Rule("party-api:task-detail", SKIP("needs a task; tested in tests/party/test_api.py")),
    Rule("party-api:task-report", SKIP("POST only; tested in tests/party/test_api.py")),
]

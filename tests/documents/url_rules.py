"""Access rules of documents and direction (tests/url_matrix.py).

The pages answer the officials who keep an agency's documents (commune, department, province and
party officials, and the clerk and leader roles held beside them); citizens, border officers and
people without a role get 403. A document or task of another agency is a 404 (tests/documents/)."""

from tests.url_matrix import SKIP, Rule, roles

DOCUMENT_ROLES = roles(
    "commune_official", "department_official", "province_leader", "party_official", "document_clerk", "agency_leader"
)


def _document(personas):
    from government.documents.models import Document

    official = personas["department_official"]
    d = Document.objects.create(
        agency=official.agency,
        direction="in",
        status="registered",
        doc_type="CV",
        number_symbol="1/UBND-VP",
        abstract="Văn bản thử",
        arrival_number=9001,
        book_year=2026,
        handler=official,
    )
    return d


def _uid(personas):
    return {"uid": _document(personas).uid}


def _task(personas):
    import datetime as dt

    from government.documents.models import Task

    official = personas["department_official"]
    t = Task.objects.create(
        title="Việc thử",
        agency=official.agency,
        assignee=official,
        assigned_by=official,
        deadline=dt.date(2030, 1, 1),
    )
    return {"uid": t.uid}


# The detail pages exist for the people the object is addressed to (here the department official);
# everyone else with a documents role gets 404, as if it did not exist.
ONLY_ADDRESSED = {
    "commune_official": 404,
    "province_leader": 404,
    "party_official": 404,
    "sysadmin": 404,
}

RULES = [
    Rule("documents:index", DOCUMENT_ROLES, overrides={"sysadmin": 403}),
    Rule("documents:search", DOCUMENT_ROLES, overrides={"sysadmin": 403}),
    Rule(
        "documents:incoming-new",
        DOCUMENT_ROLES,
        overrides={
            "commune_official": 403,
            "department_official": 403,
            "province_leader": 403,
            "party_official": 403,
            "sysadmin": 403,
        },
    ),
    Rule("documents:outgoing-new", DOCUMENT_ROLES, overrides={"sysadmin": 403}),
    Rule("documents:tasks", DOCUMENT_ROLES),
    # The per-agency task board: the province's leaders (every agency) and an agency's leaders (their
    # own; tests/documents/test_task_board.py); the other document roles get 403.
    Rule("documents:task-board", roles("province_leader")),
    Rule("documents:task", DOCUMENT_ROLES, kwargs=_task, overrides=ONLY_ADDRESSED),
    Rule("documents:detail", DOCUMENT_ROLES, kwargs=_uid, overrides=ONLY_ADDRESSED),
    Rule(
        "documents:outgoing-edit", DOCUMENT_ROLES, kwargs=_uid, overrides={**ONLY_ADDRESSED, "department_official": 403}
    ),
    Rule("documents:file", SKIP("a file download for the people who may read the document; tests/documents/")),
]

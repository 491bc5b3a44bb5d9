"""The documents and meetings API for an agency's own systems (LGSP namespace, key-authenticated):
the client reads only its issuing agency's ordinary documents and meetings, only with the services it
was given, every call logged; bad parameters are field errors; the schema documents it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.api_clients import services
from core.api_clients.models import ApiCall
from tests.documents.conftest import registered
from tests.meetings.test_meetings import _meeting

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]

DOCUMENTS = reverse("lgsp:documents")
MEETINGS = reverse("lgsp:meetings")


@pytest.fixture
def agency_key(leader):
    """A key of the department's own e-office system, issued by its administrator on the portal."""
    leader.user_permissions.add(Permission.objects.get(codename="manage_api_clients"))

    def make(services_=("government.documents", "government.meetings")):
        from core.users.models import User

        admin = User.objects.get(pk=leader.pk)
        _client, raw = services.client_create(
            actor=admin,
            name="Hệ thống quản lý văn bản của Sở",
            organisation="Sở Khoa học và Công nghệ",
            kind="government.agency_system",
            services=list(services_),
            owner_agency=admin.agency,
        )
        return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}

    return make


def test_the_agency_system_reads_its_own_ordinary_documents_only(client, clerk, commune_clerk, agency_key):
    mine = registered(clerk, number_symbol="125/UBND-KT", abstract="Về việc triển khai nền tảng số tại xã biên giới")
    registered(clerk, number_symbol="01/MẬT", confidentiality="confidential", abstract="Tài liệu mật biên giới")
    theirs = registered(commune_clerk, number_symbol="9/UBND-VP", abstract="Văn bản của xã về biên giới")
    headers = agency_key()

    body = client.get(DOCUMENTS, {"q": "bien gioi"}, **headers).json()
    assert [r["uid"] for r in body["results"]] == [str(mine.uid)] and body["has_next"] is False
    assert body["results"][0]["number_symbol"] == "125/UBND-KT" and body["results"][0]["direction"] == "in"
    detail = client.get(reverse("lgsp:document", args=[mine.uid]), **headers).json()
    assert detail["abstract"].startswith("Về việc triển khai") and detail["files"][0]["is_main"] is True
    # Another agency's document is as unknown as one that does not exist; a secret one is not listed.
    assert client.get(reverse("lgsp:document", args=[theirs.uid]), **headers).status_code == 404
    assert "MẬT" not in str(client.get(DOCUMENTS, **headers).json())
    # Pages without a count.
    registered(clerk, number_symbol="126/UBND-KT")
    first = client.get(DOCUMENTS, {"page_size": 1}, **headers).json()
    assert len(first["results"]) == 1 and first["has_next"] is True
    # Every call is logged with its service and the rows it returned.
    logged = ApiCall.objects.filter(service="government.documents", status=200).order_by("pk").first()
    assert logged.rows == 1 and logged.params == {"q": ["bien gioi"]}


def test_bad_parameters_and_missing_services(client, agency_key):
    headers = agency_key(services_=("government.documents",))
    bad = client.get(DOCUMENTS, {"direction": "sideways", "page": "abc", "page_size": "1000"}, **headers)
    assert bad.status_code == 400 and {"direction", "page", "page_size"} <= set(bad.json())
    assert client.get(MEETINGS, **headers).status_code == 403  # not given the meetings service
    assert client.get(DOCUMENTS).status_code in (401, 403)  # no key
    assert client.get(DOCUMENTS, HTTP_AUTHORIZATION="Api-Key ls_bad.key").status_code == 401


def test_the_agency_system_reads_its_meetings(client, clerk, leader, commune_leader, commune_clerk, agency_key):
    hosted = _meeting(clerk, leader, [commune_leader.email])
    other = _meeting(commune_clerk, commune_leader, [], title="Họp nội bộ xã")
    headers = agency_key()
    rows = client.get(MEETINGS, **headers).json()
    assert [r["uid"] for r in rows] == [str(hosted.uid)]
    detail = client.get(reverse("lgsp:meeting", args=[hosted.uid]), **headers).json()
    assert detail["video_url"] == "https://meet.langson.gov.vn/giao-ban-12"
    assert {p["name"] for p in detail["participants"]} >= {commune_leader.get_full_name()}
    assert client.get(reverse("lgsp:meeting", args=[other.uid]), **headers).status_code == 404
    today = dt.date.today()
    wrong = client.get(MEETINGS, {"date_from": today.isoformat(), "date_to": "2000-01-01"}, **headers)
    assert wrong.status_code == 400 and "date_to" in wrong.json()


def test_the_schema_documents_the_documents_and_meetings_api(client, sysadmin, login):
    login(sysadmin)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    for path in ("/api/lgsp/v1/documents/", "/api/lgsp/v1/documents/{uid}/", "/api/lgsp/v1/meetings/"):
        assert schema["paths"][path]["get"]["security"] == [{"ApiKeyAuth": []}]

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.audit.selectors import audit_diff, audit_entries_visible_to, audit_search
from core.audit.services import audit_record

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
URL = reverse("audit:log")


@pytest.fixture
def rows(commune_official, other_commune_official, department_official, citizen):
    """Audit rows of several agencies and actors."""
    own_agency = commune_official.agency
    other_agency = other_commune_official.agency
    return {
        "mine": audit_record(
            actor=commune_official,
            action="government.dossier.accept",
            object_type="government.dossier",
            object_id=1,
            before={"status": "submitted", "note": ""},
            after={"status": "accepted", "note": "đủ giấy tờ"},
        ),
        "my_agency": audit_record(
            actor=citizen,
            action="government.dossier.submit",
            object_type="government.dossier",
            object_id=2,
            agency=own_agency,
            after={"status": "submitted"},
        ),
        "other_agency": audit_record(
            actor=other_commune_official,
            action="government.dossier.accept",
            object_type="government.dossier",
            object_id=3,
            agency=other_agency,
            after={"status": "accepted"},
        ),
        "agency_itself": audit_record(actor=None, action="core.agency.update", obj=own_agency, after={"x": 1}),
        "department": audit_record(
            actor=department_official, action="economy.shop.approve", object_type="economy.shop", object_id=9
        ),
    }


def test_agency_is_inferred_from_the_object(commune_official):
    from core.signing.models import SigningCertificate

    row = audit_record(actor=None, action="core.agency.touch", obj=commune_official.agency)
    assert row.agency_id == commune_official.agency_id
    cert_like = SigningCertificate(pk=1, agency_id=commune_official.agency_id)
    assert audit_record(actor=None, action="x.y.z", obj=cert_like).agency_id == commune_official.agency_id


def test_province_leader_and_sysadmin_see_everything(rows, province_leader, sysadmin):
    for user in (province_leader, sysadmin):
        assert set(audit_entries_visible_to(user)) >= set(rows.values())


def test_official_sees_own_rows_and_own_agency_rows_only(rows, commune_official):
    visible = set(audit_entries_visible_to(commune_official))
    assert {rows["mine"], rows["my_agency"], rows["agency_itself"]} <= visible
    assert rows["other_agency"] not in visible and rows["department"] not in visible


def test_non_officials_see_nothing(rows, citizen, outsider):
    assert not audit_entries_visible_to(citizen).exists()
    assert not audit_entries_visible_to(outsider).exists()


def test_search_filters(rows, province_leader, commune_official):
    def search(**kw):
        return set(audit_search(user=province_leader, **kw))

    assert search(object_type="government.dossier", object_id="2") == {rows["my_agency"]}
    assert search(actor="COMMUNE.OFFICIAL@langson.gov.vn") == {rows["mine"]}
    assert search(actor=str(commune_official.pk)) == {rows["mine"]}
    assert search(actor="system") >= {rows["agency_itself"]}
    assert search(action_prefix="government.dossier.") == {rows["mine"], rows["my_agency"], rows["other_agency"]}
    today = timezone.localdate()
    assert search(date_from=today, date_to=today) >= set(rows.values())
    assert not search(date_to=today - timedelta(days=1)) & set(rows.values())
    assert not search(date_from=today + timedelta(days=1))


def test_diff_marks_changed_fields(rows):
    diff = {row["field"]: row for row in audit_diff(rows["mine"])}
    assert diff["status"]["changed"] and diff["status"]["before"] == "submitted"
    assert diff["note"]["after"] == "đủ giấy tờ"
    added = {row["field"]: row for row in audit_diff(rows["my_agency"])}
    assert added["status"]["added"]


# --- HTTP --------------------------------------------------------------------------------------


def test_page_requires_an_official(client, login, citizen):
    assert client.get(URL).status_code == 302
    login(citizen)
    assert client.get(URL).status_code == 403


def test_leader_searches_by_object_and_sees_the_diff(client, login, rows, province_leader):
    login(province_leader)
    response = client.get(URL, {"object_type": "government.dossier", "object_id": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "government.dossier.accept" in html and "government.dossier#1" in html
    assert "<del>submitted</del>" in html and "<ins>accepted</ins>" in html and "đủ giấy tờ" in html
    assert "government.dossier#3" not in html


def test_commune_official_cannot_see_another_communes_rows(client, login, rows, commune_official):
    login(commune_official)
    html = client.get(URL).content.decode()
    assert "government.dossier#1" in html and "government.dossier#2" in html
    assert "government.dossier#3" not in html and "economy.shop#9" not in html
    # Not even by asking for the object directly.
    html = client.get(URL, {"object_type": "government.dossier", "object_id": "3"}).content.decode()
    assert "government.dossier#3" not in html and "Không có bản ghi nào phù hợp." in html


def test_invalid_filters_show_field_errors_and_keep_input(client, login, province_leader):
    login(province_leader)
    response = client.get(URL, {"date_from": "2026-11-27", "date_to": "2026-11-01", "actor": "ai đó"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày kết thúc phải sau ngày bắt đầu." in html and 'value="ai đó"' in html
    bad = client.get(URL, {"date_from": "not-a-date", "object_id": "5"})
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode() and "Chọn loại đối tượng" in bad.content.decode()


def test_pagination(client, login, province_leader):
    for i in range(55):
        audit_record(actor=None, action="tests.bulk.make", object_type="tests.thing", object_id=i)
    login(province_leader)
    first = client.get(URL, {"action": "tests.bulk."}).content.decode()
    assert first.count("tests.bulk.make") == 50 and "Trang 1/2" in first
    assert "action=tests.bulk.&amp;page=2" in first
    second = client.get(URL, {"action": "tests.bulk.", "page": 2}).content.decode()
    assert second.count("tests.bulk.make") == 5
    assert client.get(URL, {"action": "tests.bulk.", "page": "x"}).status_code == 200


def test_admin_is_read_only(client, sysadmin, rows):
    client.force_login(sysadmin)
    assert client.get(reverse("admin:audit_auditlog_changelist")).status_code == 200
    row = rows["mine"]
    change = client.get(reverse("admin:audit_auditlog_change", args=[row.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:audit_auditlog_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditlog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=row.pk).exists()

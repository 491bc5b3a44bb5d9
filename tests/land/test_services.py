"""Officials' work: owner search (authorised roles, audited), named edits that keep history,
scope of commune cadastral officers, and the error-report state machine."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.audit.models import AuditLog
from core.errors import ConflictError, InvalidTransitionError, NotAllowedError, ServiceError
from government.land import selectors, services
from government.land.models import ErrorReport, ParcelVersion
from tests.land.conftest import pdf_upload
from tests.land.factories import OWNER_ID, OWNER_NAME, make_parcel

pytestmark = pytest.mark.django_db


def test_owner_search_is_audited_and_scoped(parcel, land_official, cadastral_officer, department_official):
    other = make_parcel(commune_code=6184, sheet=2, number=5)
    rows = selectors.owner_search(land_official, query=OWNER_ID)
    assert {r.parcel.code for r in rows} == {parcel.code, other.code}
    entry = AuditLog.objects.filter(action="land.owner.search").latest("id")
    assert entry.actor == land_official and entry.after["query"] == OWNER_ID and entry.after["results"] == 2
    # The commune cadastral officer sees their own commune only.
    assert {r.parcel.code for r in selectors.owner_search(cadastral_officer, query="Hoàng")} == {parcel.code}
    with pytest.raises(PermissionDenied):
        selectors.owner_search(department_official, query=OWNER_ID)


def test_owner_search_page(client, parcel, land_official):
    client.force_login(land_official)
    page = client.get(reverse("land:owner-search"), {"q": "Văn Dân"}).content.decode()
    assert OWNER_NAME in page and parcel.code in page
    page = client.get(reverse("land:owner-search"), {"q": "ab"}).content.decode()
    assert 'class="errorlist"' in page and OWNER_NAME not in page


def test_named_edit_keeps_history_and_is_audited(parcel, land_official, client):
    edited = services.parcel_edit(
        parcel=parcel,
        actor=land_official,
        reason="Đo đạc lại theo hồ sơ 123",
        expected_version=1,
        changes={"land_use": "ONT", "area_m2": "398.5"},
    )
    assert edited.version == 2 and edited.land_use_id == "ONT"
    old = ParcelVersion.objects.get(parcel=parcel)
    assert old.version == 1 and old.attributes["land_use"] == "ODT" and old.changed_by == land_official
    entry = AuditLog.objects.get(action="land.parcel.edit")
    assert entry.before["land_use"] == "ODT" and entry.after["land_use"] == "ONT"
    with pytest.raises(ConflictError):  # a stale form
        services.parcel_edit(
            parcel=parcel, actor=land_official, reason="Sửa lần nữa", expected_version=1, changes={"address": "X"}
        )
    with pytest.raises(ServiceError) as exc:
        services.parcel_edit(
            parcel=parcel, actor=land_official, reason="", expected_version=2, changes={"address": "X"}
        )
    assert "reason" in exc.value.errors
    # The official sees past versions on the sheet; the public does not.
    client.force_login(land_official)
    assert "Đo đạc lại theo hồ sơ 123" in client.get(reverse("land:parcel", args=[parcel.code])).content.decode()
    client.logout()
    assert "Đo đạc lại theo hồ sơ 123" not in client.get(reverse("land:parcel", args=[parcel.code])).content.decode()


def test_geometry_edit_in_wgs84_is_stored_in_vn2000(parcel, land_official):
    from django.contrib.gis.geos import Polygon

    lon, lat = 106.7608, 21.8532
    square = Polygon(
        ((lon, lat), (lon + 0.0002, lat), (lon + 0.0002, lat + 0.0002), (lon, lat + 0.0002), (lon, lat)), srid=4326
    )
    edited = services.parcel_edit(
        parcel=parcel, actor=land_official, reason="Chỉnh lý ranh giới", expected_version=1, geometry=square
    )
    assert edited.geom.srid == 910725 and 400 < edited.geom.area < 500
    bowtie = Polygon(
        ((lon, lat), (lon + 0.0002, lat + 0.0002), (lon + 0.0002, lat), (lon, lat + 0.0002), (lon, lat)), srid=4326
    )
    with pytest.raises(ServiceError) as exc:
        services.parcel_edit(parcel=parcel, actor=land_official, reason="Sai hình", expected_version=2, geometry=bowtie)
    assert "geometry" in exc.value.errors


def test_edit_form_keeps_input_on_error(client, parcel, land_official):
    client.force_login(land_official)
    url = reverse("land:parcel-edit", args=[parcel.code])
    response = client.post(url, {"land_use": "ONT", "area_m2": "400", "reason": "", "version": 1, "address": "Khối 9"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="Khối 9"' in page
    response = client.post(
        url, {"land_use": "ONT", "area_m2": "400,0", "reason": "Theo QĐ 5/QĐ-UBND", "version": 1, "address": "Khối 9"}
    )
    assert response.status_code == 302


def test_commune_officer_cannot_edit_another_commune(cadastral_officer):
    other = make_parcel(commune_code=6184, sheet=2, number=5)
    with pytest.raises(NotAllowedError):
        services.parcel_edit(
            parcel=other, actor=cadastral_officer, reason="Thử sửa", expected_version=1, changes={"address": "X"}
        )


def test_error_report_journey(parcel, citizen, citizen2, land_official, client):
    with pytest.raises(NotAllowedError):  # not a land user of this parcel
        services.report_submit(
            parcel=parcel, reporter=citizen2, field="area", description="Diện tích sai lệch", evidence=pdf_upload()
        )
    with pytest.raises(ServiceError) as exc:
        services.report_submit(parcel=parcel, reporter=citizen, field="area", description="ngắn", evidence=None)
    assert set(exc.value.errors) == {"description", "evidence"}
    import uuid

    token = uuid.uuid4()
    report = services.report_submit(
        parcel=parcel,
        reporter=citizen,
        field="area",
        description="Diện tích thực tế là 420 m²",
        evidence=pdf_upload(),
        client_token=token,
    )
    again = services.report_submit(
        parcel=parcel,
        reporter=citizen,
        field="area",
        description="Diện tích thực tế là 420 m²",
        evidence=pdf_upload(),
        client_token=token,
    )
    assert again.pk == report.pk and ErrorReport.objects.count() == 1
    assert [r.pk for r in selectors.report_queue(land_official)] == [report.pk]
    services.report_transition(report=report, actor=land_official, action="review")
    with pytest.raises(ServiceError):
        services.report_transition(report=report, actor=land_official, action="accept", answer="")
    done = services.report_transition(
        report=report, actor=land_official, action="accept", answer="Đã đo lại và cập nhật."
    )
    assert done.status == "accepted"
    with pytest.raises(InvalidTransitionError):
        services.report_transition(report=report, actor=land_official, action="reject", answer="Không đúng")
    actions = list(
        AuditLog.objects.filter(object_type="land.errorreport").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["land.report.submit", "land.report.review", "land.report.accept"]
    client.force_login(citizen)
    page = client.get(reverse("land:my-reports")).content.decode()
    assert "Đã đo lại và cập nhật." in page
    from core.notifications.models import Notification

    assert Notification.objects.filter(recipient=citizen, event="land.report.answered").exists()


def test_error_report_through_the_pages(client, parcel, citizen, land_official):
    client.force_login(citizen)
    page = client.get(reverse("land:parcel", args=[parcel.code])).content.decode()
    assert reverse("land:report-new", args=[parcel.code]) in page
    url = reverse("land:report-new", args=[parcel.code])
    response = client.post(
        url,
        {
            "field": "address",
            "description": "Địa chỉ đúng là khối 4",
            "client_token": "8c1b2a5e-1b1c-4c1e-9a7e-0f5d2a3b4c5d",
        },
    )
    assert response.status_code == 200 and "evidence" in response.content.decode()
    response = client.post(
        url,
        {
            "field": "address",
            "description": "Địa chỉ đúng là khối 4",
            "client_token": "8c1b2a5e-1b1c-4c1e-9a7e-0f5d2a3b4c5d",
            "evidence": pdf_upload(),
        },
    )
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    client.force_login(land_official)
    detail = reverse("land:report-detail", args=[report.uid])
    assert "Địa chỉ đúng là khối 4" in client.get(detail).content.decode()
    response = client.post(detail, {"action": "reject", "answer": ""})
    assert response.status_code == 200
    assert client.post(detail, {"action": "reject", "answer": "Địa chỉ theo hồ sơ gốc là khối 3."}).status_code == 302
    report.refresh_from_db()
    assert report.status == "rejected"
    assert client.get(reverse("land:report-evidence", args=[report.uid])).content.startswith(b"%PDF")


def test_indicators_are_registered_and_computed(parcel):
    from django.utils import timezone

    from core.indicators.registry import all_indicators, get

    codes = {i.code for i in all_indicators("government")}
    assert {"government.land.parcels", "government.land.area_ha", "government.land.reports_open"} <= codes
    now = timezone.now()
    assert get("government.land.parcels").compute(now, now) == 1
    assert get("government.land.parcels").compute_by_commune(now, now) == {5977: 1}
    assert (
        get("government.land.area_ha").compute(now, now, 5977) == 0.0
        or get("government.land.area_ha").compute(now, now, 5977) == 0.04
    )


def test_statistics_page_per_commune_and_land_use(client, parcel, province_leader):
    client.force_login(province_leader)
    page = client.get(reverse("land:statistics")).content.decode()
    assert "Phường Đông Kinh" in page and "ODT" in page


def test_split_figures_count_every_parcel_by_its_rule(client, parcel, province_leader, commune_official):
    """The leader's split column: the rule of the parcel's land type and unit kind (ward: ODT ≥ 40 m²
    per part), every parcel counted. 400 m² and 100 m² can be split, 64 m² cannot (< 2 × 40), and a
    land type without a rule (DGT) is not counted as splittable."""
    from django.utils import timezone

    from core.indicators.registry import get

    make_parcel(sheet=2, number=1, offset=(100, 0), size=10.0)  # 100 m²
    make_parcel(sheet=2, number=2, offset=(200, 0), size=8.0)  # 64 m²
    make_parcel(sheet=2, number=3, offset=(300, 0), land_use="DGT")
    make_parcel(commune_code=6184, sheet=1, number=1)  # another commune
    rows = {(r["commune__code"], r["land_use_id"]): r for r in selectors.statistics()}
    odt = rows[(5977, "ODT")]
    assert (odt["parcels"], odt["with_rule"], odt["splittable"]) == (3, 3, 2)
    assert (rows[(5977, "DGT")]["with_rule"], rows[(5977, "DGT")]["splittable"]) == (0, 0)
    now = timezone.now()
    assert get("government.land.splittable").compute_by_commune(now, now)[5977] == 2
    client.force_login(province_leader)
    page = client.get(reverse("land:statistics")).content.decode()
    total = page.split('id="land-stats-total"')[1].split("</tr>")[0]
    assert "<td>5</td>" in total and total.count("<td>") == 4
    assert 'id="split-rules-unverified"' in page  # the sample figures say so
    # A commune official reads their own commune only.
    client.force_login(commune_official)
    page = client.get(reverse("land:statistics")).content.decode()
    from core.geo.models import AdministrativeUnit

    other = AdministrativeUnit.objects.get(structure="2025", level="commune", code=6184).name
    assert "Phường Đông Kinh" in page and other not in page and "<td>4</td>" in page.split("land-stats-total")[1]


def test_statistics_show_an_official_edit_at_once(
    client, parcel, province_leader, land_official, django_capture_on_commit_callbacks
):
    """The province's statistics are cached (seconds of grouping at 2.35 M parcels), but an edit
    changes what the leader reads on the next load."""
    client.force_login(province_leader)
    page = client.get(reverse("land:statistics")).content.decode()
    assert "<abbr" in page and ">ODT</abbr>" in page and ">ONT</abbr>" not in page
    assert selectors.statistics_cached()[1] is True  # the page's figures were kept
    with django_capture_on_commit_callbacks(execute=True):
        services.parcel_edit(
            parcel=parcel,
            actor=land_official,
            reason="Chuyển mục đích theo QĐ 12",
            expected_version=1,
            changes={"land_use": "ONT"},
        )
    page = client.get(reverse("land:statistics")).content.decode()
    assert ">ONT</abbr>" in page and ">ODT</abbr>" not in page


def test_beat_computes_the_statistics_before_a_leader_asks(parcel, land_official, django_capture_on_commit_callbacks):
    """After an edit the figures are stale; the beat task computes the new ones into the cache, so
    the leader's next page load is served from it and already shows the edit."""
    from django.conf import settings

    from government.land.tasks import warm_statistics

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "government.land.tasks.warm_statistics" in schedule
    with django_capture_on_commit_callbacks(execute=True):
        services.parcel_edit(
            parcel=parcel,
            actor=land_official,
            reason="Chuyển mục đích theo QĐ 12",
            expected_version=1,
            changes={"land_use": "ONT"},
        )
    warm_statistics()
    rows, from_cache = selectors.statistics_cached()
    assert from_cache is True
    assert [row["land_use_id"] for row in rows] == ["ONT"]

"""Public statistics (no login, no personal data, open data with its licence) and the DTI
self-assessment (structure as data, score computation, manual entry with evidence, audit)."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from government.operations_centre import selectors, services
from government.operations_centre.models import DtiEntry, DtiFramework, DtiNode

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


@pytest.fixture
def public_figures(fake_registry, snapshot):
    now = timezone.now()
    for days_ago, value in [(3, 50.0), (2, 52.5), (1, 55.0)]:
        snapshot("test.share", now - timezone.timedelta(days=days_ago), value)
        snapshot("test.count", now - timezone.timedelta(days=days_ago), 4321.0)  # not public


def test_public_page_needs_no_login_and_shows_only_public_indicators(client, public_figures):
    response = client.get(reverse("operations_centre:public"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tỷ lệ thử" in page and "55,0" in page
    assert "Số đếm thử" not in page and "4.321" not in page
    assert "CC BY 4.0" in page
    assert "Tính lại" not in page  # no refresh button for the public
    assert reverse("operations_centre:public-csv") in page and reverse("operations_centre:public-json") in page


def test_public_data_holds_no_personal_data(client, public_figures, citizen, commune_official):
    texts = [
        client.get(reverse("operations_centre:public")).content.decode(),
        client.get(reverse("operations_centre:public-csv")).content.decode("utf-8-sig"),
        client.get(reverse("operations_centre:public-json")).content.decode(),
    ]
    for text in texts:
        for secret in [citizen.full_name, citizen.email, citizen.phone, citizen.citizen_id, commune_official.email]:
            assert secret not in text


def test_open_data_csv_and_json(client, public_figures):
    response = client.get(reverse("operations_centre:public-csv") + "?period=30d")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [float(r["value"]) for r in rows] == [50.0, 52.5, 55.0]
    assert {r["indicator_code"] for r in rows} == {"test.share"}
    assert rows[0]["licence"] == "CC BY 4.0"

    data = json.loads(client.get(reverse("operations_centre:public-json") + "?period=30d").content)
    assert data["licence"] == "CC BY 4.0" and data["licence_url"].startswith("https://creativecommons.org/")
    assert [i["code"] for i in data["indicators"]] == ["test.share"]
    assert [h["value"] for h in data["indicators"][0]["history"]] == [50.0, 52.5, 55.0]


# --- DTI ------------------------------------------------------------------------------------------------


def test_the_2025_framework_is_loaded_as_data():
    framework = DtiFramework.objects.get(is_current=True)
    assert framework.decision == "Quyết định 405/QĐ-BKHCN"
    mains = framework.nodes.filter(kind="main")
    assert mains.count() == 8
    assert framework.max_points == 1000
    assert sorted(mains.values_list("max_points", flat=True)) == [100] * 5 + [150, 150, 200]
    # Sub-indicators carry all of their main indicator's points.
    for main in mains:
        assert sum(main.children.values_list("max_points", flat=True)) == pytest.approx(main.max_points)
    assert framework.nodes.get(code="4.3").full_score_at == 5


def test_dti_score_combines_portal_snapshots_and_manual_entries(department_official, snapshot):
    # The year of the calm clock (in December it is already next January): the portal's snapshot
    # below must fall inside the assessed year.
    assessment = services.dti_assessment_get_or_create(year=timezone.localdate().year)
    nodes = {n.code: n for n in DtiNode.objects.filter(framework=assessment.framework)}
    # 8.1 is fed by the portal's e-payment share: 53% → 0.53 of its points.
    snapshot("economy.households.epayment_share", timezone.now() - timezone.timedelta(days=1), 53.0)
    # Boolean, tiered and ratio sub-indicators entered by hand, with evidence.
    services.dti_entry_record(
        assessment=assessment,
        node=nodes["1.3"],
        value=1,
        note="NQ 49-NQ/TU ngày 28/9/2021",
        actor=department_official,
        evidence_url="https://langson.gov.vn/nq49",
    )
    services.dti_entry_record(
        assessment=assessment,
        node=nodes["1.1"],
        value=0.5,
        note="QĐ kiện toàn BCĐ",
        actor=department_official,
        evidence_url="https://langson.gov.vn/bcd",
    )
    services.dti_entry_record(
        assessment=assessment,
        node=nodes["4.3"],
        value=2.5,
        note="Báo cáo Sở KH&CN",
        actor=department_official,
        evidence_url="https://langson.gov.vn/to-cns",
    )
    score = selectors.dti_score(assessment)
    subs = {s.node.code: s for s in score["subs"]}
    assert subs["8.1"].source == "portal" and subs["8.1"].score == pytest.approx(0.53 * nodes["8.1"].max_points)
    assert subs["1.3"].score == pytest.approx(nodes["1.3"].max_points)
    assert subs["1.1"].score == pytest.approx(0.5 * nodes["1.1"].max_points)
    assert subs["4.3"].score == pytest.approx(0.5 * nodes["4.3"].max_points)  # 2.5 of the 5 that earns full points
    expected = sum(subs[c].score for c in ["8.1", "1.3", "1.1", "4.3"])
    assert score["total"] == pytest.approx(expected)
    assert score["index"] == pytest.approx(expected / 1000)
    society = next(p for p in score["pillars"] if p["code"] == "xhs")
    assert society["max"] == 650  # five foundation indicators + society activity
    assert society["score"] == pytest.approx(expected)  # all four count toward the society pillar
    assert len(score["missing"]) == len(subs) - 4


def test_the_newest_manual_entry_counts_and_history_stays(department_official):
    assessment = services.dti_assessment_get_or_create(year=2026)
    node = DtiNode.objects.get(framework=assessment.framework, code="3.1")
    services.dti_entry_record(
        assessment=assessment,
        node=node,
        value=40,
        note="Số liệu VNPT 2025",
        actor=department_official,
        evidence_url="https://example.vn/a",
    )
    services.dti_entry_record(
        assessment=assessment,
        node=node,
        value=80,
        note="Số liệu đính chính",
        actor=department_official,
        evidence_url="https://example.vn/b",
    )
    sub = next(s for s in selectors.dti_score(assessment)["subs"] if s.node.code == "3.1")
    assert sub.value == 80 and sub.score == pytest.approx(0.8 * node.max_points)
    assert DtiEntry.objects.filter(node=node).count() == 2
    audit = AuditLog.objects.filter(action="indicators.dti_entry.record").order_by("at", "id").last()
    assert audit.before == {"value": 40} and audit.after["value"] == 80


def test_dti_entry_rejects_bad_values_and_missing_evidence(department_official):
    assessment = services.dti_assessment_get_or_create(year=2026)
    boolean = DtiNode.objects.get(framework=assessment.framework, code="1.3")
    with pytest.raises(services.DtiError):
        services.dti_entry_record(
            assessment=assessment,
            node=boolean,
            value=2,
            note="x",
            actor=department_official,
            evidence_url="https://example.vn",
        )
    with pytest.raises(services.DtiError):
        services.dti_entry_record(assessment=assessment, node=boolean, value=1, note="x", actor=department_official)
    main = DtiNode.objects.get(framework=assessment.framework, code="1")
    with pytest.raises(services.DtiError):
        services.dti_entry_record(
            assessment=assessment,
            node=main,
            value=1,
            note="x",
            actor=department_official,
            evidence_url="https://example.vn",
        )


def test_dti_pages_by_role(client, login, department_official, province_leader, commune_official, citizen):
    url = reverse("operations_centre:dti-entry", args=[2026, "3.1"])
    login(province_leader)
    assert client.get(reverse("operations_centre:dti")).status_code == 200
    assert client.get(url).status_code == 403  # leaders read; Sở KH&CN enters
    login(citizen)
    assert client.get(reverse("operations_centre:dti")).status_code == 403
    login(department_official)
    page = client.get(reverse("operations_centre:dti") + "?year=2026").content.decode()
    assert "Quyết định 405/QĐ-BKHCN" in page and url in page
    assert client.get(url).status_code == 200


def test_dti_entry_form_keeps_input_and_explains_errors(client, login, department_official):
    login(department_official)
    url = reverse("operations_centre:dti-entry", args=[2026, "3.1"])
    response = client.post(url, {"value": "62,5", "note": "Báo cáo"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cần tệp minh chứng hoặc đường dẫn minh chứng." in page
    assert "Báo cáo" in page  # what the official typed is kept
    fake = SimpleUploadedFile("bao-cao.pdf", b"not really a pdf", content_type="application/pdf")
    response = client.post(url, {"value": "62.5", "note": "Báo cáo", "evidence_file": fake})
    assert "Chỉ nhận tệp PDF, JPG hoặc PNG." in response.content.decode()
    assert not DtiEntry.objects.exists()


def test_dti_entry_with_a_real_pdf_is_saved_and_audited(client, login, department_official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(department_official)
    url = reverse("operations_centre:dti-entry", args=[2026, "3.1"])
    pdf = SimpleUploadedFile(
        "bao-cao.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        content_type="application/pdf",
    )
    response = client.post(url, {"value": "62.5", "note": "Báo cáo số 12/BC-SKHCN", "evidence_file": pdf})
    assert response.status_code == 302
    entry = DtiEntry.objects.get()
    assert entry.value == 62.5 and entry.evidence_file.name.startswith("dti/evidence/2026/3.1/")
    assert AuditLog.objects.filter(action="indicators.dti_entry.record", actor=department_official).exists()
    # A double submit records a second (identical) entry in history but the score is unchanged.
    page = client.get(reverse("operations_centre:dti") + "?year=2026").content.decode()
    assert "62,5" in page


def test_reading_the_dti_pages_opens_no_assessment(client, login, department_official, province_leader):
    """GET never writes: a year nobody has entered a value for is shown (all zero), not created."""
    from government.operations_centre.models import DtiAssessment

    login(province_leader)
    page = client.get(reverse("operations_centre:dti") + "?year=2024")
    assert page.status_code == 200 and "Quyết định 405/QĐ-BKHCN" in page.content.decode()
    login(department_official)
    assert client.get(reverse("operations_centre:dti-entry", args=[2024, "3.1"])).status_code == 200
    assert not DtiAssessment.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="indicators.dti").exists()


def test_the_first_value_of_a_year_opens_its_assessment_in_the_same_transaction(client, login, department_official):
    from government.operations_centre.models import DtiAssessment

    login(department_official)
    url = reverse("operations_centre:dti-entry", args=[2024, "3.1"])
    refused = client.post(url, {"value": "-1", "note": "Báo cáo", "evidence_url": "https://example.vn/bc"})
    assert refused.status_code == 200 and not DtiAssessment.objects.exists()  # a refused value opens nothing
    response = client.post(url, {"value": "40", "note": "Báo cáo", "evidence_url": "https://example.vn/bc"})
    assert response.status_code == 302
    assessment = DtiAssessment.objects.get(year=2024)
    assert DtiEntry.objects.get().assessment == assessment
    assert AuditLog.objects.filter(action="indicators.dti_assessment.create", object_id=str(assessment.pk)).exists()

"""Party documents: numbering (unique and gap-free, also under concurrency on the real database),
issuing with a digital signature, distribution, inboxes, read receipts, reminders, confidentiality
per persona, and search with or without diacritics."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from core.audit.models import AuditLog
from core.notifications.models import Notification
from party.models import Distribution, DocumentCounter, PartyDocument, PartyOrganisation
from party.services import documents as svc
from tests.conftest import make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = pytest.mark.usefixtures("calm_clock")


def _draft(user, org, title="Về chuyển đổi số trong các chi bộ", **kw):
    return svc.document_create_draft(actor=user, organisation=org, kind="thong_bao", title=title, **kw)


@pytest.mark.django_db
def test_numbers_follow_per_body_kind_and_year(party_official, province_org, committee_a):
    svc.document_record(
        organisation=province_org,
        kind="nghi_quyet",
        sequence=49,
        number="49-NQ/TU",
        title="Về chuyển đổi số",
        issued_on=dt.date(2021, 9, 28),
    )
    first = svc.document_issue(
        actor=party_official,
        document=_draft(party_official, province_org),
        recipients=[committee_a],
        signer_title="Bí thư",
    )
    second = svc.document_issue(
        actor=party_official,
        document=_draft(party_official, province_org),
        recipients=[committee_a],
        signer_title="Bí thư",
    )
    resolution = svc.document_create_draft(
        actor=party_official, organisation=province_org, kind="nghi_quyet", title="Nghị quyết mới"
    )
    resolution = svc.document_issue(
        actor=party_official, document=resolution, recipients=[committee_a], signer_title="Bí thư"
    )
    year = dt.date.today().year
    assert (first.number, second.number, resolution.number) == ("1-TB/TU", "2-TB/TU", "1-NQ/TU")
    assert first.year == year and first.signed_document is not None
    assert first.signed_document.file.read(4) == b"%PDF"
    # Issuing again (a double submit) returns the same document and takes no number.
    again = svc.document_issue(actor=party_official, document=second, recipients=[committee_a], signer_title="x")
    assert again.number == "2-TB/TU"
    assert DocumentCounter.objects.get(organisation=province_org, kind="thong_bao", year=year).last == 2
    assert AuditLog.objects.filter(action="party.document.issue").count() == 3


@pytest.mark.django_db
def test_a_rolled_back_issue_leaves_no_gap(party_official, province_org, committee_a):
    doc = _draft(party_official, province_org)
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.document_issue(actor=party_official, document=doc, recipients=[committee_a], signer_title="Bí thư")
        raise RuntimeError("the caller's transaction fails after the number was taken")
    doc.refresh_from_db()
    assert doc.status == "draft" and doc.number == ""
    issued = svc.document_issue(actor=party_official, document=doc, recipients=[committee_a], signer_title="Bí thư")
    assert issued.number == "1-TB/TU"


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_unique_gap_free_numbers():
    """Six officials' threads issue at the same moment, each in its own connection to the real
    database: the counter row lock serialises them into 1..6, no number twice, none skipped."""
    from core.agencies.models import Agency

    province = PartyOrganisation.objects.get(code="tinh-uy")
    recipient = PartyOrganisation.objects.get(code="van-phong-tinh-uy")
    users = [
        make_user(f"dang{i}@langson.gov.vn", roles=["party_official"], agency=Agency.objects.get(code="tinh-uy"))
        for i in range(6)
    ]
    drafts = [_draft(u, province, title=f"Thông báo {i}") for i, u in enumerate(users)]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def issue(user, doc):
        try:
            barrier.wait(timeout=30)
            svc.document_issue(actor=user, document=doc, recipients=[recipient], signer_title="Phó Bí thư")
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(u, d)) for u, d in zip(users, drafts, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    sequences = sorted(
        PartyDocument.objects.filter(organisation=province, kind="thong_bao").values_list("sequence", flat=True)
    )
    assert sequences == [1, 2, 3, 4, 5, 6]
    numbers = set(
        PartyDocument.objects.filter(organisation=province, kind="thong_bao").values_list("number", flat=True)
    )
    assert numbers == {f"{n}-TB/TU" for n in range(1, 7)}
    assert DocumentCounter.objects.get(organisation=province, kind="thong_bao").last == 6


@pytest.mark.django_db
def test_issue_distribute_acknowledge_and_remind_through_the_pages(
    client, login, party_official, commune_party_official, commune_b_party_official, committee_a, committee_b
):
    login(party_official)
    response = client.post(
        reverse("party:document-create"),
        {
            "organisation": PartyOrganisation.objects.get(code="tinh-uy").pk,
            "kind": "thong_bao",
            "title": "Triển khai sổ tay đảng viên điện tử",
            "confidentiality": "normal",
        },
    )
    doc = PartyDocument.objects.get(title="Triển khai sổ tay đảng viên điện tử")
    assert response.status_code == 302 and doc.status == "draft"
    issue = reverse("party:document-issue", args=[doc.pk])
    # No recipient, no title of the signer: errors on the fields, what was typed kept.
    page = client.post(issue, {"signer_name": "Nguyễn Văn Ký"}).content.decode()
    assert "Nguyễn Văn Ký" in page and page.count("errorlist") >= 2
    assert (
        client.post(
            issue, {"recipients": [committee_a.pk, committee_b.pk], "signer_title": "T/M Ban Thường vụ"}
        ).status_code
        == 302
    )
    doc.refresh_from_db()
    assert doc.number == "1-TB/TU"
    # The recipients' officers were told by e-mail.
    told = set(Notification.objects.filter(event="party.document.received").values_list("recipient__email", flat=True))
    assert told == {commune_party_official.email, commune_b_party_official.email}

    login(commune_party_official)
    inbox = client.get(reverse("party:inbox")).content.decode()
    assert "1-TB/TU" in inbox and "1 văn bản chưa xác nhận đọc" in inbox
    mine = Distribution.objects.get(document=doc, organisation=committee_a)
    ack = reverse("party:document-acknowledge", args=[doc.pk, mine.pk])
    assert client.post(ack, {"next": "inbox"}).status_code == 302
    assert client.post(ack).status_code == 302  # twice: the first acknowledgement counts
    mine.refresh_from_db()
    assert mine.read_by == commune_party_official
    assert "0 văn bản chưa xác nhận đọc" in client.get(reverse("party:inbox")).content.decode()
    # Commune A's official cannot acknowledge for commune B.
    theirs = Distribution.objects.get(document=doc, organisation=committee_b)
    client.post(reverse("party:document-acknowledge", args=[doc.pk, theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None

    login(party_official)
    page = client.get(reverse("party:document-detail", args=[doc.pk])).content.decode()
    assert "1/2 nơi nhận đã xác nhận đọc." in page
    unread_rows = [line for line in page.splitlines() if 'class="unread"' in line]
    assert len(unread_rows) == 1 and committee_b.name in unread_rows[0]
    remind = reverse("party:document-remind", args=[doc.pk])
    assert "Đã nhắc 1 nơi nhận chưa đọc." in client.post(remind, follow=True).content.decode()
    again = client.post(remind, follow=True).content.decode()
    assert "Không có nơi nhận nào cần nhắc" in again
    reminded = Notification.objects.filter(event="party.document.reminder")
    assert list(reminded.values_list("recipient__email", flat=True)) == [commune_b_party_official.email]
    signed = client.get(reverse("party:document-pdf", args=[doc.pk]))
    assert signed.status_code == 200 and b"".join(signed.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_confidential_documents_only_for_the_issuer_and_named_recipients(
    client,
    login,
    cells,
    party_official,
    commune_party_official,
    commune_b_party_official,
    cell_secretary,
    province_leader,
    department_official,
    sysadmin,
    committee_a,
):
    secret = _draft(commune_party_official, committee_a, title="Về công tác nhân sự", confidentiality="confidential")
    secret = svc.document_issue(
        actor=commune_party_official, document=secret, recipients=[cells["a2"]], signer_title="Bí thư"
    )
    ordinary = _draft(commune_party_official, committee_a, title="Lịch sinh hoạt chi bộ")
    ordinary = svc.document_issue(
        actor=commune_party_official, document=ordinary, recipients=[cells["a2"]], signer_title="Bí thư"
    )
    recipient = make_user("bithu.cb2@langson.gov.vn", roles=["party_official"], totp=True)
    from party.services.organisations import officer_assign

    officer_assign(organisation=cells["a2"], user=recipient)
    detail = reverse("party:document-detail", args=[secret.pk])
    for persona, status in [
        (commune_party_official, 200),  # the issuer
        (recipient, 200),  # the named recipient
        (party_official, 404),  # above the issuer: no oversight of a confidential document
        (cell_secretary, 404),  # a sibling cell
        (commune_b_party_official, 404),
        (province_leader, 404),
        (sysadmin, 404),
        (department_official, 403),
    ]:
        login(persona)
        assert client.get(detail).status_code == status, persona.email
        register = client.get(reverse("party:documents")).content.decode() if status != 403 else ""
        assert ("Về công tác nhân sự" in register) == (status == 200), persona.email
    # The ordinary one is in the register of every Party official and of province leaders.
    for persona in (party_official, cell_secretary, province_leader):
        login(persona)
        assert client.get(reverse("party:document-detail", args=[ordinary.pk])).status_code == 200


@pytest.mark.django_db
def test_search_with_or_without_diacritics(client, login, party_official, province_org):
    svc.document_record(
        organisation=province_org,
        kind="nghi_quyet",
        sequence=49,
        number="49-NQ/TU",
        title="Về chuyển đổi số tỉnh Lạng Sơn đến năm 2025",
        issued_on=dt.date(2021, 9, 28),
    )
    svc.document_record(
        organisation=province_org,
        kind="chi_thi",
        sequence=7,
        number="07-CT/TU",
        title="Về công tác phòng chống thiên tai",
        issued_on=dt.date(2022, 5, 1),
    )
    login(party_official)
    url = reverse("party:documents")
    for q in ("chuyển đổi số", "chuyen doi so", "CHUYEN DOI SO", "49-NQ", "nam 2025"):
        page = client.get(url, {"q": q}).content.decode()
        assert "49-NQ/TU" in page and "07-CT/TU" not in page, q
    page = client.get(url, {"q": "thien tai"}).content.decode()
    assert "07-CT/TU" in page and "49-NQ/TU" not in page
    page = client.get(url, {"q": "tinh uy lang son"}).content.decode()  # the issuing body, without diacritics
    assert "49-NQ/TU" in page and "07-CT/TU" in page


@pytest.mark.django_db
def test_attachments_are_checked_and_downloadable_only_by_those_who_see_the_document(
    client, login, party_official, commune_b_party_official, committee_a, province_org
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.government.conftest import pdf_bytes

    login(party_official)
    response = client.post(
        reverse("party:document-create"),
        {
            "organisation": province_org.pk,
            "kind": "ke_hoach",
            "title": "Kế hoạch có phụ lục",
            "confidentiality": "internal",
            "files": [SimpleUploadedFile("phu-luc.exe", b"MZ\x90\x00 not allowed")],
        },
    )
    assert response.status_code == 200 and "phu-luc.exe" in response.content.decode()
    response = client.post(
        reverse("party:document-create"),
        {
            "organisation": province_org.pk,
            "kind": "ke_hoach",
            "title": "Kế hoạch có phụ lục",
            "confidentiality": "internal",
            "files": [SimpleUploadedFile("phu-luc.pdf", pdf_bytes())],
        },
    )
    doc = PartyDocument.objects.filter(title="Kế hoạch có phụ lục").latest("pk")
    item = doc.files.get()
    assert response.status_code == 302
    assert client.get(reverse("party:document-file", args=[doc.pk, item.pk])).status_code == 200
    login(commune_b_party_official)  # internal, a draft, not a recipient
    assert client.get(reverse("party:document-file", args=[doc.pk, item.pk])).status_code == 404

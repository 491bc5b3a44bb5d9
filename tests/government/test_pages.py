"""The government pages over HTTP, as a citizen and officials use them (no JavaScript)."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from government import services
from government.models import Dossier
from tests.government.conftest import (
    BIRTH,
    BIRTH_DATA,
    HOUSEHOLD_BUSINESS,
    draft,
    pay,
    pdf_bytes,
    png_bytes,
    submitted,
    upload,
)

pytestmark = pytest.mark.django_db
S = Dossier.Status
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def url(name, **kwargs):
    return reverse(f"government:{name}", kwargs=kwargs)


# --- public catalogue and lookup -----------------------------------------------------------------------


def test_catalogue_lists_at_least_twelve_procedures_and_searches(client):
    response = client.get(url("procedure-list"))
    assert response.status_code == 200
    assert response.context["procedures"].count() >= 12
    by_name = client.get(url("procedure-list"), {"q": "khai sinh"}).context["procedures"]
    assert {p.code for p in by_name} == {"1.001193", "1.004884"}
    by_topic = client.get(url("procedure-list"), {"topic": "dat-dai"}).context["procedures"]
    assert {p.code for p in by_topic} == {"1.013978", "1.012783"}
    by_agency = client.get(url("procedure-list"), {"agency": "van-phong-dkdd"}).context["procedures"]
    assert [p.code for p in by_agency] == ["1.012783"]
    garbage = client.get(url("procedure-list"), {"topic": "<script>", "q": "x" * 500})
    assert garbage.status_code == 200  # invalid filters are ignored, never a 500


def test_procedure_page_shows_time_fee_documents(client):
    page = client.get(url("procedure-detail", code=HOUSEHOLD_BUSINESS)).content.decode()
    assert "Đăng ký thành lập hộ kinh doanh" in page
    assert "150.000 ₫" in page and "3 ngày làm việc" in page
    assert "Giấy đề nghị đăng ký hộ kinh doanh" in page
    assert client.get(url("procedure-detail", code="9.999999")).status_code == 404


def fresh_ip() -> dict:
    """A client address of its own: the lookup limit is counted per address in the shared Redis."""
    import random

    return {"REMOTE_ADDR": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"}


def test_public_lookup_shows_status_but_nothing_personal(client, citizen):
    dossier = submitted(citizen, BIRTH)
    ip = fresh_ip()
    response = client.get(url("lookup"), {"code": dossier.code.lower(), "id_last4": "0123"}, **ip)
    page = response.content.decode()
    assert response.status_code == 200 and dossier.code in page
    assert "Chờ tiếp nhận" in page
    for personal in ("Hoàng Văn Dân", "Hoàng Minh An", "0912345678", "citizen@example.vn", "020090000123"):
        assert personal not in page
    wrong = client.get(url("lookup"), {"code": dossier.code, "id_last4": "9999"}, **ip).content.decode()
    assert "Không tìm thấy hồ sơ" in wrong and "Chờ tiếp nhận" not in wrong
    bad = client.get(url("lookup"), {"code": dossier.code, "id_last4": "12a"}, **ip)
    assert bad.status_code == 200 and "Nhập đúng 4 chữ số." in bad.content.decode()


def test_public_lookup_is_rate_limited(client, citizen):
    ip = fresh_ip()
    statuses = [client.get(url("lookup"), {"code": "X-1", "id_last4": "1234"}, **ip).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    assert client.get(url("lookup"), {"code": "X-1", "id_last4": "1234"}, **fresh_ip()).status_code == 200


# --- the citizen's pages ---------------------------------------------------------------------------------


def test_new_dossier_form_double_post_makes_one_draft(login, citizen):
    c = login(citizen)
    assert c.get(url("dossier-new", code=BIRTH)).status_code == 200
    token = str(uuid.uuid4())
    first = c.post(url("dossier-new", code=BIRTH), {"commune": "5977", "client_token": token})
    second = c.post(url("dossier-new", code=BIRTH), {"commune": "5977", "client_token": token})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Dossier.objects.filter(applicant=citizen).count() == 1
    bad = c.post(url("dossier-new", code=BIRTH), {"commune": "999999", "client_token": token})
    assert bad.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in bad.content.decode()


def _edit_payload(**extra):
    return {**BIRTH_DATA, **extra}


def test_refused_file_keeps_everything_typed(login, citizen):
    dossier = draft(citizen, BIRTH, {}, files=False)
    c = login(citizen)
    payload = _edit_payload(action="submit", ho_ten_tre="Hoàng Minh Khôi")
    payload["doc_giay-chung-sinh"] = SimpleUploadedFile("giay.pdf", b"MZ\x90\x00 this is an exe" * 10)
    response = c.post(url("dossier-edit", uid=dossier.uid), payload)
    page = response.content.decode()
    assert response.status_code == 400
    assert "không phải định dạng được chấp nhận" in page
    assert 'value="Hoàng Minh Khôi"' in page  # kept as typed
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT and dossier.data["ho_ten_tre"] == "Hoàng Minh Khôi"


def test_field_errors_are_in_vietnamese_and_nothing_is_lost(login, citizen):
    dossier = draft(citizen, BIRTH, {}, files=False)
    c = login(citizen)
    response = c.post(
        url("dossier-edit", uid=dossier.uid), {"action": "submit", "ho_ten_tre": "An", "ngay_sinh": "31/02/2026"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Trường này là bắt buộc." in page  # Django's Vietnamese catalogue
    assert "Nhập một ngày hợp lệ." in page
    assert "Vui lòng tải lên: Giấy chứng sinh" in page
    assert 'value="31/02/2026"' in page


def test_citizen_submits_through_the_page_and_gets_a_receipt(login, citizen):
    dossier = draft(citizen, BIRTH, {}, files=False)
    c = login(citizen)
    payload = _edit_payload(action="submit")
    payload["doc_giay-chung-sinh"] = SimpleUploadedFile("chung-sinh.png", png_bytes())
    response = c.post(url("dossier-edit", uid=dossier.uid), payload)
    dossier.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == url("dossier-detail", uid=dossier.uid)
    assert dossier.status == S.RECEPTION and dossier.code
    detail = c.get(url("dossier-detail", uid=dossier.uid)).content.decode()
    assert dossier.code in detail and "Chờ tiếp nhận" in detail
    again = c.post(url("dossier-edit", uid=dossier.uid), payload)  # the double click
    assert again.status_code == 302 and Dossier.objects.get(pk=dossier.pk).code == dossier.code
    receipt = c.get(url("dossier-receipt", uid=dossier.uid))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF-")
    home = c.get(reverse("home")).content.decode()
    assert "Hồ sơ của tôi" in home and dossier.code in home


def test_file_can_be_removed_from_a_draft(login, citizen):
    dossier = draft(citizen, BIRTH, BIRTH_DATA)
    record = dossier.files.get()
    c = login(citizen)
    response = c.post(url("dossier-file-remove", uid=dossier.uid, file_id=record.pk))
    assert response.status_code == 302 and not dossier.files.exists()
    assert c.post(url("dossier-file-remove", uid=dossier.uid, file_id=record.pk)).status_code == 302  # twice: harmless


def test_delete_draft(login, citizen):
    dossier = draft(citizen, BIRTH, BIRTH_DATA)
    c = login(citizen)
    assert c.post(url("dossier-delete", uid=dossier.uid)).status_code == 302
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def test_pay_button_leads_to_the_payment_page(login, citizen):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    c = login(citizen)
    page = c.get(url("dossier-detail", uid=dossier.uid)).content.decode()
    assert "150.000 ₫" in page and "Thanh toán trực tuyến" in page
    response = c.post(url("dossier-pay", uid=dossier.uid))
    assert response.status_code == 302 and response["Location"].startswith("/payments/p/")
    payment_page = c.get(response["Location"])
    assert payment_page.status_code == 200 and "150.000" in payment_page.content.decode()


# --- nobody sees more than they may ----------------------------------------------------------------------------


def test_another_citizen_cannot_reach_my_dossier(login, citizen, citizen2):
    dossier = submitted(citizen, BIRTH)
    record = dossier.files.first()
    c = login(citizen2)
    for name, kwargs in [
        ("dossier-detail", {}),
        ("dossier-edit", {}),
        ("dossier-receipt", {}),
        ("dossier-result", {}),
        ("dossier-file", {"file_id": record.pk}),
    ]:
        assert c.get(url(name, uid=dossier.uid, **kwargs)).status_code == 404, name
    for name in ("dossier-pay", "dossier-supplement", "dossier-rate", "dossier-delete"):
        assert c.post(url(name, uid=dossier.uid)).status_code == 404, name
    assert dossier.code not in c.get(url("my-dossiers")).content.decode()


def test_officials_see_only_their_agency(login, citizen, citizen2, commune_official, other_commune_official):
    mine = submitted(citizen, BIRTH)
    theirs = submitted(citizen2, BIRTH)
    a_draft = draft(citizen, BIRTH, BIRTH_DATA)
    c = login(commune_official)
    queue = c.get(url("queue")).content.decode()
    assert mine.code in queue and theirs.code not in queue
    assert c.get(url("official-dossier", uid=mine.uid)).status_code == 200
    assert c.get(url("official-dossier", uid=theirs.uid)).status_code == 404
    assert c.get(url("official-dossier", uid=a_draft.uid)).status_code == 404  # drafts are the citizen's
    assert c.post(url("official-action", uid=theirs.uid, action="claim")).status_code == 404
    other = login(other_commune_official, Client())
    assert other.post(url("official-action", uid=mine.uid, action="forward")).status_code == 404
    assert Dossier.objects.get(pk=mine.pk).status == S.RECEPTION


def test_queue_filters_and_countdown(login, citizen, commune_official):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=VN), tick=False):
        late = submitted(citizen, HOUSEHOLD_BUSINESS)
        pay(late)  # due Thu 3/12
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN), tick=False):
        fresh = submitted(citizen, BIRTH)  # due today
        c = login(commune_official)
        overdue = c.get(url("queue"), {"due": "overdue"})
        codes = [row["dossier"].code for row in overdue.context["rows"]]
        assert codes == [late.code]
        assert "Quá hạn 2 ngày làm việc" in overdue.content.decode()
        soon = [row["dossier"].code for row in c.get(url("queue"), {"due": "soon"}).context["rows"]]
        assert soon == [fresh.code]
        assert [r["dossier"].code for r in c.get(url("queue"), {"q": fresh.code}).context["rows"]] == [fresh.code]
        assert c.get(url("queue"), {"status": "nonsense"}).status_code == 200
        home = c.get(reverse("home")).content.decode()
        assert "Việc cần xử lý" in home


# --- the officials' actions and the result ---------------------------------------------------------------------


def test_whole_path_through_the_pages(login, citizen, commune_official, commune_leader):
    dossier = submitted(citizen, BIRTH)
    official = login(commune_official, Client())
    leader = login(commune_leader, Client())
    applicant = login(citizen, Client())

    def act(c, action, data=None):
        return c.post(url("official-action", uid=dossier.uid, action=action), data or {})

    assert act(official, "claim").status_code == 302
    assert act(official, "forward", {"forward-note": "Đủ giấy tờ"}).status_code == 302
    empty = act(official, "request-supplement", {"supplement-reason": ""})
    assert empty.status_code == 400 and "Trường này là bắt buộc." in empty.content.decode()
    assert act(official, "request-supplement", {"supplement-reason": "Bổ sung bản chụp rõ nét"}).status_code == 302
    page = applicant.get(url("dossier-detail", uid=dossier.uid)).content.decode()
    assert "Bổ sung bản chụp rõ nét" in page
    bad = applicant.post(
        url("dossier-supplement", uid=dossier.uid),
        {"action": "upload", "file": SimpleUploadedFile("x.pdf", b"not a pdf at all" * 5)},
    )
    assert bad.status_code == 400 and "không phải định dạng được chấp nhận" in bad.content.decode()
    nothing = applicant.post(url("dossier-supplement", uid=dossier.uid), {"action": "send"})
    assert nothing.status_code == 400 and "Chưa có tệp bổ sung." in nothing.content.decode()
    sent = applicant.post(
        url("dossier-supplement", uid=dossier.uid),
        {"action": "send", "note": "Đã chụp lại", "file": SimpleUploadedFile("ro.pdf", pdf_bytes())},
    )
    assert sent.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING
    assert act(official, "forward").status_code == 302
    assert act(official, "approve").status_code == 403  # not the leader
    assert act(leader, "approve", {"approve-note": "Đồng ý"}).status_code == 302
    assert act(leader, "approve").status_code == 302  # a second click: told, nothing changes
    assert Dossier.objects.get(pk=dossier.pk).events.filter(verb="approve").count() == 1
    assert act(official, "issue-result").status_code == 302
    assert act(official, "nonsense").status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == S.COMPLETED
    result = applicant.get(url("dossier-result", uid=dossier.uid))
    assert result.status_code == 200 and b"".join(result.streaming_content).startswith(b"%PDF-")
    verification = Client().get(dossier.result_document.get_verification_url())
    assert verification.status_code == 200 and "Chữ ký số hợp lệ" in verification.content.decode()
    assert applicant.post(url("dossier-rate", uid=dossier.uid), {"score": "9"}).status_code == 400
    assert applicant.post(url("dossier-rate", uid=dossier.uid), {"score": "3", "comment": "Nhanh"}).status_code == 302
    assert dossier.rating.score == 3


def test_a_refused_supplement_says_why_and_keeps_the_note(login, citizen, commune_official):
    dossier = submitted(citizen, BIRTH)
    services.dossier_claim(dossier=dossier, actor=commune_official)
    services.dossier_request_supplement(dossier=dossier, actor=commune_official, reason="Bản chụp rõ nét")
    applicant = login(citizen, Client())
    refused = applicant.post(url("dossier-supplement", uid=dossier.uid), {"action": "send", "note": "Gửi lần hai"})
    page = refused.content.decode()
    # What to do at the top of the form, what is missing under the file field, the note kept.
    assert refused.status_code == 400
    assert "Vui lòng tải lên ít nhất một giấy tờ bổ sung." in page and "Chưa có tệp bổ sung." in page
    assert "Gửi lần hai" in page
    dossier.refresh_from_db()
    assert dossier.status == S.SUPPLEMENT


def test_apology_slip_page_and_pdf(login, citizen, commune_official):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=VN), tick=False):
        dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
        pay(dossier)
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 0, tzinfo=VN), tick=False):
        c = login(commune_official)
        page = c.get(url("official-dossier", uid=dossier.uid)).content.decode()
        assert "Lập văn bản xin lỗi" in page
        bad = c.post(
            url("official-action", uid=dossier.uid, action="apologise"),
            {"apology-reason": "Chờ xác minh", "apology-new_due_date": "2026-12-05"},
        )
        assert bad.status_code == 400 and "Ngày hẹn mới phải là ngày làm việc." in bad.content.decode()
        ok = c.post(
            url("official-action", uid=dossier.uid, action="apologise"),
            {"apology-reason": "Chờ xác minh", "apology-new_due_date": "2026-12-08"},
        )
        assert ok.status_code == 302
        slip = dossier.apologies.get()
        pdf = login(citizen, Client()).get(url("dossier-apology", uid=dossier.uid, slip_id=slip.pk))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_a_file_upload_through_the_page_is_checked(login, citizen):
    dossier = draft(citizen, HOUSEHOLD_BUSINESS, {}, files=False)
    c = login(citizen)
    response = c.post(
        url("dossier-edit", uid=dossier.uid),
        {"action": "save", "doc_giay-de-nghi": upload("de-nghi.pdf")},
    )
    assert response.status_code == 302
    assert dossier.files.get().mime_type == "application/pdf"
    services.dossier_delete_draft(dossier=dossier, actor=citizen)


def test_pages_are_translated_to_english(client):
    # Needs the compiled catalogue (make test runs compilemessages first).
    client.cookies["portal_language"] = "en"
    page = client.get(url("procedure-detail", code=HOUSEHOLD_BUSINESS)).content.decode()
    assert "Processing time" in page and "Dossier components" in page and "File online" in page

"""The dossier state machine, service by service: who may act, from which state, what it writes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.audit.models import AuditLog
from government import services
from government.models import Dossier, DossierEvent
from tests.government.conftest import (
    BIRTH,
    BIRTH_DATA,
    BUSINESS_DATA,
    CONSTRUCTION,
    COPY_EXTRACT,
    HOUSEHOLD_BUSINESS,
    LAND_EXCHANGE,
    draft,
    pay,
    procedure,
    submitted,
    upload,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = Dossier.Status
pytestmark = pytest.mark.django_db


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=VN), tick=False)


# --- drafts and submission -----------------------------------------------------------------------------


def test_draft_goes_to_the_citizens_commune_and_keeps_what_was_typed(citizen):
    dossier = services.dossier_create(
        procedure=procedure(BIRTH), applicant=citizen, data={"ho_ten_tre": "An", "x": "dropped"}
    )
    assert dossier.status == S.DRAFT and dossier.code is None
    assert dossier.agency.code == "ubnd-xa-5977"
    assert dossier.admin_unit.code == 5977
    assert dossier.data == {"ho_ten_tre": "An"}
    services.dossier_save_draft(dossier=dossier, actor=citizen, data={"ho_ten_tre": "An", "ngay_sinh": "not a date"})
    dossier.refresh_from_db()
    assert dossier.data["ngay_sinh"] == "not a date"  # kept as typed; validated at submission


def test_department_procedure_goes_to_its_department(citizen):
    dossier = services.dossier_create(procedure=procedure(LAND_EXCHANGE), applicant=citizen)
    assert dossier.agency.code == "van-phong-dkdd"


def test_same_client_token_makes_one_draft(citizen):
    token = "6f1c1a1e-9a4b-4c1d-8f4e-2a9a3f6d0b11"
    a = services.dossier_create(procedure=procedure(BIRTH), applicant=citizen, client_token=token)
    b = services.dossier_create(procedure=procedure(BIRTH), applicant=citizen, client_token=token)
    assert a.pk == b.pk
    assert Dossier.objects.filter(applicant=citizen).count() == 1


def test_commune_procedure_without_commune_is_refused(outsider):
    with pytest.raises(services.DossierError) as info:
        services.dossier_create(procedure=procedure(BIRTH), applicant=outsider)
    assert "commune" in info.value.errors


def test_submit_validates_fields_and_required_documents(citizen):
    dossier = draft(citizen, BIRTH, {"ho_ten_tre": "An", "ngay_sinh": "2099-01-01", "gioi_tinh": "x"}, files=False)
    with pytest.raises(services.DossierError) as info:
        services.dossier_submit(dossier=dossier, actor=citizen)
    errors = info.value.errors
    assert "Ngày không được sau ngày hôm nay." in errors["ngay_sinh"]
    assert "gioi_tinh" in errors and "noi_sinh" in errors
    assert "doc_giay-chung-sinh" in errors
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT and dossier.code is None


@at(2026, 11, 27, 9, 30)
def test_submit_free_dossier_gets_code_receipt_and_same_day_appointment(citizen):
    dossier = submitted(citizen, BIRTH)
    assert dossier.status == S.RECEPTION
    assert dossier.code == "05977.H37-261127-0001"
    assert dossier.due_date == dt.date(2026, 11, 27)  # same-day procedure received before 15:00
    assert dossier.received_at is not None and dossier.fee_amount == 0
    assert dossier.data["ngay_sinh"] == "2026-11-20"
    assert AuditLog.objects.filter(action="government.dossier.submit", object_id=str(dossier.pk)).exists()
    assert DossierEvent.objects.get(dossier=dossier, verb="submit").to_status == S.RECEPTION


def test_double_submit_changes_nothing(citizen):
    dossier = submitted(citizen, BIRTH)
    with pytest.raises(services.InvalidTransition):
        services.dossier_submit(dossier=dossier, actor=citizen)
    assert Dossier.objects.get(pk=dossier.pk).code == dossier.code
    assert DossierEvent.objects.filter(dossier=dossier, verb="submit").count() == 1


def _doc(code=BIRTH, doc="giay-chung-sinh"):
    return procedure(code).documents.get(code=doc)


@at(2026, 11, 27, 9, 30)
def test_the_draft_page_action_saves_attaches_and_submits_at_once(citizen):
    dossier = draft(citizen, BIRTH, {}, files=False)
    outcome = services.dossier_update_draft(
        dossier=dossier, actor=citizen, data=BIRTH_DATA, uploads=[(_doc(), upload())], submit=True
    )
    assert outcome.submitted and outcome.file_errors == {} and outcome.submit_error is None
    dossier.refresh_from_db()
    assert dossier.status == S.RECEPTION and dossier.code == "05977.H37-261127-0001" == outcome.dossier.code
    assert dossier.data["ho_ten_tre"] == BIRTH_DATA["ho_ten_tre"] and dossier.files.count() == 1
    actions = set(AuditLog.objects.filter(object_id=str(dossier.pk)).values_list("action", flat=True))
    assert {"government.dossier.add_file", "government.dossier.submit"} <= actions
    with pytest.raises(services.InvalidTransition):  # the double click: nothing changes
        services.dossier_update_draft(
            dossier=dossier, actor=citizen, data={}, uploads=[(_doc(), upload())], submit=True
        )
    assert dossier.files.count() == 1 and Dossier.objects.get(pk=dossier.pk).data == dossier.data


def test_the_draft_page_action_keeps_the_draft_when_a_file_is_refused(citizen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = draft(citizen, CONSTRUCTION, {}, files=False)
    drawings, land = _doc(CONSTRUCTION, "ban-ve"), _doc(CONSTRUCTION, "giay-to-dat")
    outcome = services.dossier_update_draft(
        dossier=dossier,
        actor=citizen,
        data={"dia_diem": "Số 1 Lê Lợi"},
        uploads=[(drawings, SimpleUploadedFile("a.png", b"not a drawing")), (land, upload("so-do.pdf"))],
        submit=True,
    )
    assert not outcome.submitted and outcome.submit_error is None
    assert list(outcome.file_errors) == ["ban-ve"]
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT and dossier.code is None
    assert dossier.data == {"dia_diem": "Số 1 Lê Lợi"}
    assert list(dossier.files.values_list("original_name", flat=True)) == ["so-do.pdf"]  # the good one is kept


def test_the_draft_page_action_keeps_the_draft_when_the_submission_is_incomplete(citizen):
    dossier = draft(citizen, BIRTH, {}, files=False)
    outcome = services.dossier_update_draft(
        dossier=dossier, actor=citizen, data={"ho_ten_tre": "An"}, uploads=[(_doc(), upload())], submit=True
    )
    assert not outcome.submitted and "noi_sinh" in outcome.submit_error.errors
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT and dossier.data["ho_ten_tre"] == "An" and dossier.files.count() == 1
    assert not DossierEvent.objects.filter(dossier=dossier).exists()


def test_the_draft_page_action_leaves_no_stored_file_when_rolled_back(citizen, monkeypatch):
    from django.core.files.storage import default_storage

    dossier = draft(citizen, BIRTH, {}, files=False)
    stored = []
    real_add = services._add_file

    def add_and_remember(*args, **kwargs):
        record = real_add(*args, **kwargs)
        stored.append(record.file.name)
        return record

    def die(*args, **kwargs):
        raise RuntimeError("the database went away during the submission")

    monkeypatch.setattr(services, "_add_file", add_and_remember)
    monkeypatch.setattr(services, "_submit", die)
    with pytest.raises(RuntimeError):
        services.dossier_update_draft(
            dossier=dossier, actor=citizen, data=BIRTH_DATA, uploads=[(_doc(), upload())], submit=True
        )
    assert len(stored) == 1 and not default_storage.exists(stored[0])
    assert not dossier.files.exists() and Dossier.objects.get(pk=dossier.pk).data == {}


def test_someone_else_cannot_submit_or_edit_my_draft(citizen, citizen2):
    dossier = draft(citizen, BIRTH, BIRTH_DATA)
    with pytest.raises(services.NotAllowed):
        services.dossier_submit(dossier=dossier, actor=citizen2)
    with pytest.raises(services.NotAllowed):
        services.dossier_save_draft(dossier=dossier, actor=citizen2, data={})
    with pytest.raises(services.NotAllowed):
        services.dossier_add_file(dossier=dossier, actor=citizen2, document=None, uploaded=upload())


def test_codes_count_per_agency_and_day(citizen, citizen2):
    with at(2026, 11, 27, 9, 0):
        a = submitted(citizen, BIRTH)
        b = submitted(citizen, BIRTH)
        c = submitted(citizen2, BIRTH)  # another commune: its own sequence
    with at(2026, 11, 30, 9, 0):
        d = submitted(citizen, BIRTH)
    assert a.code.endswith("-261127-0001") and b.code.endswith("-261127-0002")
    assert c.code == "06184.H37-261127-0001"
    assert d.code == "05977.H37-261130-0001"


# --- fees and payment -------------------------------------------------------------------------------------


@at(2026, 11, 27, 10, 0)
def test_fee_dossier_waits_for_payment_and_never_enters_processing_unpaid(citizen, commune_official):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    assert dossier.status == S.AWAITING_PAYMENT
    assert dossier.fee_amount == 150_000
    assert dossier.due_date is None  # the clock starts with the payment
    with pytest.raises(services.InvalidTransition):
        services.dossier_forward(dossier=dossier, actor=commune_official)
    with pytest.raises(services.InvalidTransition):
        services.dossier_claim(dossier=dossier, actor=commune_official)


@at(2026, 11, 27, 10, 0)
def test_paid_callback_moves_dossier_to_reception_once(citizen):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    payment = pay(dossier)
    assert dossier.status == S.RECEPTION and dossier.paid_online
    assert dossier.payment_reference == payment.reference
    # Friday 27/11 + 3 working days → Wednesday 2/12
    assert dossier.due_date == dt.date(2026, 12, 2)
    assert DossierEvent.objects.filter(dossier=dossier, verb="paid").count() == 1
    # A repeated bank callback: nothing changes twice.
    from django.test import Client
    from django.urls import reverse

    from core.payments.sandbox import signed_callback

    body, headers = signed_callback(payment, status="paid")
    response = Client().post(
        reverse("payments:callback", kwargs={"provider": "sandbox"}), body, content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert DossierEvent.objects.filter(dossier=dossier, verb="paid").count() == 1


def test_start_payment_returns_the_same_pending_payment(citizen):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    first = services.dossier_start_payment(dossier=dossier, actor=citizen)
    second = services.dossier_start_payment(dossier=dossier, actor=citizen)
    assert first.pk == second.pk and first.amount == 150_000 and first.purpose == "government.dossier_fee"


def test_fee_per_copy_counts_the_copies(citizen):
    data = {"loai_trich_luc": "khai-sinh", "ho_ten_nguoi_duoc_cap": "Hoàng Minh An", "so_ban_sao": "3"}
    dossier = submitted(citizen, COPY_EXTRACT, data=data)
    assert dossier.fee_amount == 24_000


def test_free_procedure_cannot_be_paid(citizen):
    dossier = submitted(citizen, BIRTH)
    with pytest.raises(services.InvalidTransition):
        services.dossier_start_payment(dossier=dossier, actor=citizen)


# --- the officials' path -----------------------------------------------------------------------------------


def _through_to_approval(dossier, official):
    services.dossier_claim(dossier=dossier, actor=official)
    services.dossier_forward(dossier=dossier, actor=official, note="Đủ hồ sơ")
    services.dossier_claim(dossier=dossier, actor=official)
    services.dossier_forward(dossier=dossier, actor=official, note="Đủ điều kiện")
    dossier.refresh_from_db()
    return dossier


def test_full_path_to_a_signed_result(citizen, commune_official, commune_leader):
    dossier = submitted(citizen, BIRTH)
    dossier = _through_to_approval(dossier, commune_official)
    assert dossier.status == S.APPROVAL
    with pytest.raises(services.NotAllowed):
        services.dossier_approve(dossier=dossier, actor=commune_official)  # not a leader
    services.dossier_approve(dossier=dossier, actor=commune_leader)
    dossier = services.dossier_issue_result(dossier=dossier, actor=commune_official)
    assert dossier.status == S.COMPLETED and dossier.finished_at
    document = dossier.result_document
    assert document.signer_agency_id == dossier.agency_id
    assert document.file.read(5) == b"%PDF-"
    verbs = list(dossier.events.values_list("verb", flat=True))
    assert verbs == ["submit", "claim", "forward", "claim", "forward", "approve", "issue_result"]
    actions = set(
        AuditLog.objects.filter(object_id=str(dossier.pk), object_type="government.dossier").values_list(
            "action", flat=True
        )
    )
    assert {"government.dossier.approve", "government.dossier.issue_result", "government.dossier.forward"} <= actions


def test_no_step_can_be_skipped_or_repeated(citizen, commune_official, commune_leader):
    dossier = submitted(citizen, BIRTH)
    with pytest.raises(services.InvalidTransition):
        services.dossier_approve(dossier=dossier, actor=commune_leader)  # still at reception
    with pytest.raises(services.InvalidTransition):
        services.dossier_issue_result(dossier=dossier, actor=commune_official)
    dossier = _through_to_approval(dossier, commune_official)
    services.dossier_approve(dossier=dossier, actor=commune_leader)
    with pytest.raises(services.InvalidTransition):
        services.dossier_approve(dossier=dossier, actor=commune_leader)
    services.dossier_issue_result(dossier=dossier, actor=commune_official)
    with pytest.raises(services.InvalidTransition):
        services.dossier_issue_result(dossier=dossier, actor=commune_official)
    assert Dossier.objects.get(pk=dossier.pk).events.filter(verb="issue_result").count() == 1


def test_officials_of_other_agencies_cannot_act(citizen, other_commune_official, department_official, province_leader):
    dossier = submitted(citizen, BIRTH)
    for outsider in (other_commune_official, department_official, province_leader, citizen):
        with pytest.raises(services.NotAllowed):
            services.dossier_forward(dossier=dossier, actor=outsider)
        with pytest.raises(services.NotAllowed):
            services.dossier_claim(dossier=dossier, actor=outsider)


def test_a_claimed_dossier_is_not_taken_over(citizen, commune_official, commune_leader):
    dossier = submitted(citizen, BIRTH)
    services.dossier_claim(dossier=dossier, actor=commune_official)
    with pytest.raises(services.InvalidTransition):
        services.dossier_claim(dossier=dossier, actor=commune_leader)
    with pytest.raises(services.NotAllowed):
        services.dossier_forward(dossier=dossier, actor=commune_leader)
    services.dossier_claim(dossier=dossier, actor=commune_official)  # claiming one's own again is harmless
    assert DossierEvent.objects.filter(dossier=dossier, verb="claim").count() == 1


def test_department_dossier_is_handled_by_its_department(citizen, land_official, commune_official):
    data = {"so_phat_hanh_gcn": "CS 123456", "ly_do_cap_doi": "hu-hong"}
    dossier = submitted(citizen, LAND_EXCHANGE, data=data)
    pay(dossier)
    with pytest.raises(services.NotAllowed):
        services.dossier_forward(dossier=dossier, actor=commune_official)
    services.dossier_forward(dossier=dossier, actor=land_official)
    assert Dossier.objects.get(pk=dossier.pk).status == S.PROCESSING


def test_reject_needs_a_reason_and_finishes_the_dossier(citizen, commune_official):
    dossier = submitted(citizen, BIRTH)
    with pytest.raises(services.DossierError) as info:
        services.dossier_reject(dossier=dossier, actor=commune_official, reason="  ")
    assert "reason" in info.value.errors
    dossier = services.dossier_reject(dossier=dossier, actor=commune_official, reason="Giấy chứng sinh không hợp lệ")
    assert dossier.status == S.REJECTED and dossier.finished_at and dossier.rejection_reason
    with pytest.raises(services.InvalidTransition):
        services.dossier_forward(dossier=dossier, actor=commune_official)


def test_only_the_leader_rejects_at_approval(citizen, commune_official, commune_leader):
    dossier = _through_to_approval(submitted(citizen, BIRTH), commune_official)
    with pytest.raises(services.NotAllowed):
        services.dossier_reject(dossier=dossier, actor=commune_official, reason="x")
    services.dossier_reject(dossier=dossier, actor=commune_leader, reason="Không đủ điều kiện")
    assert Dossier.objects.get(pk=dossier.pk).status == S.REJECTED


# --- supplements: the clock pauses and resumes ------------------------------------------------------------


def test_supplement_request_pauses_and_answer_moves_the_appointment(citizen, commune_official):
    with at(2026, 11, 30, 9, 0):  # Monday
        dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
        pay(dossier)
        assert dossier.due_date == dt.date(2026, 12, 3)  # Mon + 3 working days = Thu
        services.dossier_forward(dossier=dossier, actor=commune_official)
    with at(2026, 12, 1, 10, 0):  # Tuesday: ask for a document
        services.dossier_request_supplement(dossier=dossier, actor=commune_official, reason="Bổ sung biên bản họp")
        dossier.refresh_from_db()
        assert dossier.status == S.SUPPLEMENT and dossier.paused_since
        with pytest.raises(services.DossierError):  # nothing uploaded yet
            services.dossier_supplement(dossier=dossier, actor=citizen)
    with at(2026, 12, 7, 8, 0):  # the following Monday
        services.dossier_add_file(dossier=dossier, actor=citizen, document=None, uploaded=upload("bien-ban.pdf"))
        dossier = services.dossier_supplement(dossier=dossier, actor=citizen, note="Đã bổ sung")
    # 1/12 → 7/12: Wed 2, Thu 3, Fri 4, Mon 7 = 4 working days paused
    assert dossier.paused_working_days == 4
    assert dossier.due_date == dt.date(2026, 12, 9)  # Thu 3/12 + 4 working days
    assert dossier.first_due_date == dt.date(2026, 12, 3)
    assert dossier.status == S.PROCESSING  # back where it was
    request = dossier.supplement_requests.get()
    assert request.paused_working_days == 4 and request.files.count() == 1


def test_a_holiday_inside_the_pause_does_not_count(citizen, commune_official):
    with at(2026, 11, 20, 9, 0):  # Friday
        dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
        pay(dossier)
        services.dossier_request_supplement(dossier=dossier, actor=commune_official, reason="Bổ sung")
    with at(2026, 11, 25, 9, 0):  # Wednesday; Tuesday 24/11 is Vietnam Culture Day
        services.dossier_add_file(dossier=dossier, actor=citizen, document=None, uploaded=upload())
        dossier = services.dossier_supplement(dossier=dossier, actor=citizen)
    assert dossier.paused_working_days == 2  # Mon 23, Wed 25


def test_supplement_cannot_be_requested_from_a_finished_or_unpaid_dossier(citizen, commune_official):
    unpaid = submitted(citizen, HOUSEHOLD_BUSINESS)
    with pytest.raises(services.InvalidTransition):
        services.dossier_request_supplement(dossier=unpaid, actor=commune_official, reason="x")


# --- apology slip -------------------------------------------------------------------------------------------


def test_apology_only_when_due_and_with_a_later_working_day(citizen, commune_official):
    with at(2026, 11, 30, 9, 0):
        dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
        pay(dossier)
        with pytest.raises(services.InvalidTransition):
            services.dossier_apologise(
                dossier=dossier, actor=commune_official, reason="x", new_due_date=dt.date(2026, 12, 8)
            )
    with at(2026, 12, 4, 9, 0):  # due Thursday 3/12: overdue
        with pytest.raises(services.DossierError) as info:
            services.dossier_apologise(
                dossier=dossier, actor=commune_official, reason="Chờ xác minh", new_due_date=dt.date(2026, 12, 5)
            )
        assert "new_due_date" in info.value.errors  # a Saturday
        slip = services.dossier_apologise(
            dossier=dossier, actor=commune_official, reason="Chờ xác minh", new_due_date=dt.date(2026, 12, 8)
        )
    dossier.refresh_from_db()
    assert slip.previous_due_date == dt.date(2026, 12, 3)
    assert dossier.rescheduled_due_date == dt.date(2026, 12, 8)
    assert dossier.due_date == dt.date(2026, 12, 3)  # still late against the appointment


# --- rating -------------------------------------------------------------------------------------------------


def test_rating_once_after_the_result(citizen, commune_official):
    dossier = submitted(citizen, BIRTH)
    with pytest.raises(services.InvalidTransition):
        services.dossier_rate(dossier=dossier, actor=citizen, score=3)
    services.dossier_reject(dossier=dossier, actor=commune_official, reason="Sai thông tin")
    services.dossier_rate(dossier=dossier, actor=citizen, score=1, comment="Chậm")
    with pytest.raises(services.InvalidTransition):
        services.dossier_rate(dossier=dossier, actor=citizen, score=3)
    with pytest.raises(services.DossierError):
        services.dossier_rate(dossier=dossier, actor=citizen, score=7)


# --- notifications ------------------------------------------------------------------------------------------


def test_every_change_notifies_the_applicant(citizen, commune_official, django_capture_on_commit_callbacks):
    from core.notifications.models import Notification

    # Notifications are recorded after each step commits (a task enqueued on commit).
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(citizen, HOUSEHOLD_BUSINESS, data=BUSINESS_DATA)
        pay(dossier)
        services.dossier_forward(dossier=dossier, actor=commune_official)
        services.dossier_request_supplement(dossier=dossier, actor=commune_official, reason="Bổ sung bản vẽ")
    events = list(Notification.objects.filter(recipient=citizen).values_list("event", "channel"))
    for verb in ("submit", "paid", "forward", "request_supplement"):
        assert (f"government.dossier.{verb}", "email") in events
        assert (f"government.dossier.{verb}", "sms") in events
    body = Notification.objects.filter(event="government.dossier.request_supplement", channel="email").get().body
    assert (
        "Bổ sung bản vẽ" in body
        and dossier.code in Notification.objects.filter(event="government.dossier.submit").first().subject
    )


def test_a_file_without_document_does_not_stand_in_for_a_required_one(citizen):
    # A file attached to no document (NULL document) must not hide the missing required one.
    dossier = draft(citizen, BIRTH, BIRTH_DATA, files=False)
    services.dossier_add_file(dossier=dossier, actor=citizen, document=None, uploaded=upload("khac.pdf"))
    with pytest.raises(services.DossierError) as info:
        services.dossier_submit(dossier=dossier, actor=citizen)
    assert list(info.value.errors) == ["doc_giay-chung-sinh"]

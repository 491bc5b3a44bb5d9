"""HTTP: what declarants, drivers, officers and the public see and do."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from border_gate import services
from border_gate.models import Crossing, Enterprise, Entry, EntryStep, Yard
from core.audit.models import AuditLog

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


def declaration_post(**over):
    data = {
        "submission_key": "form-1",
        "enterprise": "",
        "crossing": str(Crossing.objects.get(code="huu-nghi").pk),
        "direction": "export",
        "regime": "export",
        "journey": "normal",
        "expected_arrival": (timezone.localtime() + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "vehicle_country": "VN",
        "vehicle_plate": "12C-123.45",
        "trailer_country": "VN",
        "trailer_plate": "",
        "containers": "CSQU3054383:40",
        "driver_name": "Hoàng Văn Lái",
        "driver_id_kind": "cccd",
        "driver_id_number": "020090000999",
        "driver_phone": "0912000111",
        "driver_licence": "",
        "health_note": "",
        "customs_declaration_number": "",
        "goods-TOTAL_FORMS": "3",
        "goods-INITIAL_FORMS": "0",
        "goods-MIN_NUM_FORMS": "0",
        "goods-MAX_NUM_FORMS": "10",
        "goods-0-hs_code": "0810.60.00",
        "goods-0-description": "Sầu riêng tươi",
        "goods-0-goods_type": "fresh_fruit",
        "goods-0-weight_kg": "20000",
        "goods-0-value_vnd": "900000000",
        "goods-0-perishable": "on",
    }
    data.update(over)
    return data


def test_declare_through_the_form_shows_code_and_qr(client, login, enterprise_rep):
    login(enterprise_rep)
    response = client.post(reverse("border_gate:declare"), declaration_post())
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("border_gate:entry", args=[entry.code])
    page = client.get(response["Location"]).content.decode()
    assert entry.code in page and "<svg" in page and entry.token in page
    assert entry.containers.get().number == "CSQU3054383"
    # The same form posted twice (double click) creates nothing more.
    client.post(reverse("border_gate:declare"), declaration_post())
    assert Entry.objects.count() == 1


def test_declaration_errors_are_field_level_and_keep_input(client, login, enterprise_rep):
    login(enterprise_rep)
    response = client.post(
        reverse("border_gate:declare"),
        declaration_post(vehicle_plate="桂AB1234", containers="CSQU3054384:40", **{"goods-0-hs_code": "7701"}),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Biển số Việt Nam chỉ gồm chữ cái Latinh" in page
    assert "ISO 6346" in page and "Hệ thống hài hòa" in page
    assert 'value="桂AB1234"' in page and "Sầu riêng tươi" in page
    assert Entry.objects.count() == 0


def test_garbage_input_never_500s(client, login, enterprise_rep):
    login(enterprise_rep)
    response = client.post(
        reverse("border_gate:declare"),
        declaration_post(
            crossing="abc", expected_arrival="hôm nay", **{"goods-0-weight_kg": "-5", "goods-TOTAL_FORMS": "x"}
        ),
    )
    assert response.status_code == 400


def test_declarant_sees_only_their_entries(client, login, declare, citizen):
    entry = declare()
    login(citizen)
    assert client.get(reverse("border_gate:entry", args=[entry.code])).status_code == 404
    assert client.post(reverse("border_gate:entry-cancel", args=[entry.code])).status_code == 404


def test_correction_through_the_form(client, login, declare, enterprise_rep):
    entry = declare()
    login(enterprise_rep)
    url = reverse("border_gate:entry-correct", args=[entry.code])
    bad = client.post(url, {"field_name": "vehicle_plate", "value": "ABC", "reason": "Nhầm biển"})
    assert bad.status_code == 400 and "không đúng định dạng" in bad.content.decode()
    ok = client.post(url, {"field_name": "vehicle_plate", "value": "12C-999.88", "reason": "Nhầm biển"})
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert entry.vehicle.plate == "12C99988" and entry.version == 2
    page = client.get(reverse("border_gate:entry", args=[entry.code])).content.decode()
    assert "12C-999.88" in page and "Nhầm biển" in page


def test_enterprise_registration_validates_tax_code_and_adds_staff(client, login, enterprise_rep, citizen):
    login(enterprise_rep)
    bad = client.post(reverse("border_gate:enterprises"), {"tax_code": "0100109107", "name": "X"})
    assert bad.status_code == 400 and "Mã số thuế không hợp lệ" in bad.content.decode()
    client.post(reverse("border_gate:enterprises"), {"tax_code": "0100109106", "name": "Cty Xuất Khẩu"})
    enterprise = Enterprise.objects.get()
    client.post(reverse("border_gate:enterprise-add-staff", args=[enterprise.pk]), {"email": citizen.email})
    assert citizen.has_role("enterprise_representative") or citizen.groups.filter(name="enterprise_representative")
    assert enterprise.members.filter(pk=citizen.pk).exists()


def test_driver_page_needs_no_login_and_shows_position(client, declare, run_pipeline):
    entry = run_pipeline(declare(), until="customs")
    page = client.get(reverse("border_gate:driver", args=[entry.token])).content.decode()
    assert "Vị trí trong hàng chờ" in page and entry.code in page and "<svg" in page
    partial = client.get(reverse("border_gate:driver", args=[entry.token]), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Kiểm tra hải quan" in partial.content.decode()
    assert client.get(reverse("border_gate:driver", args=["not-a-token"])).status_code == 404


def test_public_board_and_live_json(client, declare, run_pipeline):
    run_pipeline(declare(), until="customs")
    data = client.get(reverse("border_gate:live-json")).json()
    hn = next(c for c in data["crossings"] if c["code"] == "huu-nghi")
    assert hn["waiting"] == 1 and hn["band"] == "green" and data["waiting_total"] == 1
    assert "driver" not in str(data)
    page = client.get(reverse("border_gate:crossing-board", args=["huu-nghi"])).content.decode()
    assert "Bãi Xuân Cương" in page and "12C-123.45" not in page  # plates stay off the public board


def test_the_public_board_explains_the_bands_it_colours(client, settings):
    # The note under the table gives the same boundaries as the colours: 1,000 waiting trucks is
    # still yellow, orange begins at 1,001 (congestion.BANDS), in both languages.
    page = client.get(reverse("border_gate:public-board")).content.decode()
    assert "xanh dưới 500 xe chờ, vàng 500–1.000, cam 1.001–5.000, đỏ trên 5.000." in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("border_gate:public-board")).content.decode()
    assert "green under 500 trucks waiting, yellow 500–1,000, orange 1,001–5,000, red over 5,000." in page


def test_fee_calculator(client):
    response = client.get(
        reverse("border_gate:fee-calculator"),
        {"regime": "export", "journey": "normal", "goods_types": ["fresh_vegetables"], "weight_kg": "1500"},
    )
    assert "100.000 đ" in response.content.decode()
    mixed = client.get(
        reverse("border_gate:fee-calculator"),
        {"regime": "export", "journey": "normal", "goods_types": ["fresh_fruit", "ore"], "weight_kg": "12000"},
    ).content.decode()
    assert "hàng ghép" in mixed
    assert client.get(reverse("border_gate:fee-calculator"), {"weight_kg": "abc"}).status_code == 200


def test_officer_takes_next_and_decides_at_their_step(client, login, declare, officer_factory):
    entry = declare()
    gate = officer_factory("gate_board")
    login(gate)
    step = entry.current_step.step
    response = client.post(reverse("border_gate:officer-take-next", args=[step.pk]))
    assert response["Location"] == reverse("border_gate:officer-entry", args=[entry.code])
    page = client.get(response["Location"]).content.decode()
    assert "Ghi quyết định" in page
    es = EntryStep.objects.get(entry=entry, step=step)
    decide = reverse("border_gate:officer-decide", args=[entry.code])
    # Hold without reason: a field error, nothing recorded.
    bad = client.post(decide, {"entry_step": es.pk, "decision": "hold", "reason": ""})
    assert bad.status_code == 400 and "Nêu lý do" in bad.content.decode()
    client.post(decide, {"entry_step": es.pk, "decision": "pass"})
    client.post(decide, {"entry_step": es.pk, "decision": "pass"})  # double submit
    assert AuditLog.objects.filter(action="border_gate.entry.pass", object_id=str(entry.pk)).count() == 1
    entry.refresh_from_db()
    assert entry.current_step.step.code == "health"


def test_officer_scoping(client, login, declare, customs_officer, officer_factory):
    entry = declare()
    login(customs_officer)
    home = client.get(reverse("border_gate:officer-home")).content.decode()
    assert "Kiểm tra hải quan" in home and "Tiếp nhận tại điểm kiểm soát" not in home
    # Customs cannot take the check-in step.
    client.post(reverse("border_gate:officer-take", args=[entry.code]))
    assert EntryStep.objects.get(pk=entry.current_step_id).status == "pending"
    other = officer_factory("customs", crossing="chi-ma")
    login(other)
    assert client.get(reverse("border_gate:officer-entry", args=[entry.code])).status_code == 404


def test_decision_posts_outside_the_officers_scope_change_nothing(
    client, login, declare, run_pipeline, officer_factory, sysadmin
):
    """The decision form finds the entry within the officer's crossing and checks the step's force:
    another crossing's officer gets a 404, another force a refusal in the form, a step id of
    another entry a 404, malformed input a field error — and nothing is written by any of them."""
    entry = declare()
    other_entry = declare()
    url = reverse("border_gate:officer-decide", args=[entry.code])
    step_id = entry.current_step_id
    data = {"entry_step": step_id, "decision": "pass", "take": "True"}
    # Sign-ins are audited too; this test is about what the decisions write.
    decision_rows = AuditLog.objects.exclude(action__startswith="users.auth.")
    audit_rows = decision_rows.count()

    login(officer_factory("gate_board", crossing="chi-ma"))
    assert client.post(url, data).status_code == 404
    customs = officer_factory("customs")
    login(customs)
    r = client.post(url, data)
    assert r.status_code == 400 and "Bước này không thuộc lực lượng hoặc cửa khẩu của bạn." in r.content.decode()
    r = client.post(url, {**data, "lane": "green"})  # customs may record a lane, not pass check-in
    assert r.status_code == 400
    entry.refresh_from_db()
    assert entry.lane == "green"  # the lane is customs' own action, committed on its own
    entry.lane = ""
    entry.save(update_fields=["lane"])
    gate = officer_factory("gate_board")
    login(gate)
    assert client.post(url, {**data, "entry_step": other_entry.current_step_id}).status_code == 404
    r = client.post(url, {**data, "entry_step": "not-a-number", "decision": "maybe"})
    assert r.status_code == 400 and 'name="decision"' in r.content.decode()
    assert client.post(reverse("border_gate:officer-decide", args=["BG-NOSUCH"]), data).status_code == 404
    assert EntryStep.objects.get(pk=step_id).status == "pending"
    assert decision_rows.count() == audit_rows + 1  # only the lane row

    # A system administrator acts at every crossing and step.
    login(sysadmin)
    assert client.post(url, data).status_code == 302
    assert EntryStep.objects.get(pk=step_id).status == "passed"


def test_officer_search_by_plate_or_code(client, login, declare, border_guard):
    entry = declare()
    login(border_guard)
    assert entry.code in client.get(reverse("border_gate:officer-home"), {"q": "12c 12345"}).content.decode()
    assert entry.code in client.get(reverse("border_gate:officer-home"), {"q": entry.code.lower()}).content.decode()


def test_scanning_the_drivers_qr_opens_the_truck(client, login, declare, border_guard, officer_factory):
    """The driver's QR code holds the driver page's URL; a gate scanner types it into the search."""
    entry = declare()
    other = declare(vehicle_plate="12C-543.21")
    login(border_guard)
    home = reverse("border_gate:officer-home")
    driver_url = "https://portal.langson.gov.vn" + reverse("border_gate:driver", args=[entry.token])
    for scanned in (driver_url, driver_url.rstrip("/"), driver_url + "?lang=zh-hans", f"  {entry.token} "):
        r = client.get(home, {"q": scanned})
        assert r.status_code == 302 and r["Location"] == reverse("border_gate:officer-entry", args=[entry.code])
    assert other.code not in client.get(home, {"q": driver_url}, follow=True).content.decode()
    # A token that matches nothing, or a truck outside the officer's crossing, is "not found", never a 500.
    r = client.get(home, {"q": driver_url.replace(entry.token, "x" * 32)})
    assert r.status_code == 200 and "Không tìm thấy lượt xe nào." in r.content.decode()
    login(officer_factory("border_guard", crossing="chi-ma"))
    r = client.get(home, {"q": driver_url})
    assert r.status_code == 200 and "Không tìm thấy lượt xe nào." in r.content.decode()


def test_officer_sees_the_correction_diff(client, login, declare, enterprise_rep, border_guard):
    entry = declare()
    services.entry_correct(
        actor=enterprise_rep, entry=entry, field_name="driver_name", value="Lý Văn Mới", reason="Đổi lái xe"
    )
    login(border_guard)
    page = client.get(reverse("border_gate:officer-entry", args=[entry.code])).content.decode()
    assert "<del>Hoàng Văn Lái</del>" in page and "<ins>Lý Văn Mới</ins>" in page and "Đổi lái xe" in page


def test_call_next_from_the_board_once(client, login, declare, run_pipeline, officer_factory):
    entry = run_pipeline(declare(), until="exit_control")
    gate = officer_factory("gate_board")
    login(gate)
    url = reverse("border_gate:officer-call-next", args=["huu-nghi"])
    # A fresh key: the double-submit guard lives in Redis, which outlives the test database (whose
    # user ids start again at 1), so a fixed key would be "already done" in the next run.
    key = uuid.uuid4().hex
    client.post(url, {"direction": "export", "count": "5", "call_key": key})
    entry.refresh_from_db()
    first_call = entry.called_at
    assert first_call is not None
    client.post(url, {"direction": "export", "count": "5", "call_key": key})
    assert AuditLog.objects.filter(action="border_gate.entry.call").count() == 1
    board = client.get(reverse("border_gate:officer-board")).content.decode()
    assert "Bảng điều hành bãi" in board


def test_lane_and_yard_forms(client, login, declare, run_pipeline, customs_officer, officer_factory):
    entry = run_pipeline(declare(), until="yard_entry")
    gate = officer_factory("gate_board")
    login(gate)
    client.post(reverse("border_gate:officer-take", args=[entry.code]))
    yard = Yard.objects.get(code="huu-nghi-xuan-cuong")
    client.post(
        reverse("border_gate:officer-decide", args=[entry.code]),
        {"entry_step": entry.current_step_id, "decision": "pass", "yard": yard.pk},
    )
    entry.refresh_from_db()
    assert entry.current_yard == yard
    entry = run_pipeline(entry, until="customs")
    login(customs_officer)
    client.post(reverse("border_gate:officer-take", args=[entry.code]))
    client.post(reverse("border_gate:officer-lane", args=[entry.code]), {"lane": "red"})
    entry.refresh_from_db()
    assert entry.lane == "red" and entry.inspection_required


def test_lane_and_pass_in_one_submission(client, login, declare, run_pipeline, customs_officer):
    """Green lane: recorded and passed by one POST. Red lane without an inspection result: the pass
    is refused with the field's message, the lane stays recorded (it was committed on its own),
    and the officer's second submission with the result passes."""
    green = run_pipeline(declare(), until="customs")
    green.crossing.random_inspection_share = 0  # no random draw in this test
    green.crossing.save(update_fields=["random_inspection_share"])
    login(customs_officer)
    url = reverse("border_gate:officer-decide", args=[green.code])
    page = client.get(reverse("border_gate:officer-entry", args=[green.code])).content.decode()
    # one lane picker on the page (issue 11): the decision form's, not a second form beside it
    assert page.count('name="lane"') == len(Entry.Lane.choices)
    assert reverse("border_gate:officer-lane", args=[green.code]) not in page
    r = client.post(url, {"entry_step": green.current_step_id, "decision": "pass", "take": "True", "lane": "green"})
    assert r.status_code == 302
    green.refresh_from_db()
    assert green.lane == "green" and green.current_step.step.code != "customs"
    assert AuditLog.objects.filter(object_id=str(green.pk), action="border_gate.entry.lane").count() == 1

    red = run_pipeline(declare(), until="customs")
    url = reverse("border_gate:officer-decide", args=[red.code])
    step_id = red.current_step_id
    r = client.post(url, {"entry_step": step_id, "decision": "pass", "take": "True", "lane": "red"})
    assert r.status_code == 400
    assert "Xe phải kiểm tra thực tế: ghi kết quả kiểm tra." in r.content.decode()
    red.refresh_from_db()
    assert red.lane == "red" and red.inspection_required and red.current_step_id == step_id
    # once recorded, the lane is shown and can be changed in its own form: still one picker
    page = client.get(reverse("border_gate:officer-entry", args=[red.code])).content.decode()
    assert page.count('name="lane"') == len(Entry.Lane.choices) and "Đổi phân luồng" in page
    r = client.post(
        url, {"entry_step": step_id, "decision": "pass", "take": "True", "inspection_result": "Đúng khai báo"}
    )
    assert r.status_code == 302
    red.refresh_from_db()
    assert red.current_step_id != step_id
    assert EntryStep.objects.get(pk=step_id).data["inspection_result"] == "Đúng khai báo"


def test_random_inspection_is_drawn_once_when_the_pass_is_refused(
    client, login, declare, run_pipeline, customs_officer
):
    """The crossing draws every yellow lane for inspection: the refused pass keeps the draw, and
    posting the lane again does not draw again."""
    entry = run_pipeline(declare(), until="customs")
    entry.crossing.random_inspection_share = 1
    entry.crossing.save(update_fields=["random_inspection_share"])
    login(customs_officer)
    url = reverse("border_gate:officer-decide", args=[entry.code])
    data = {"entry_step": entry.current_step_id, "decision": "pass", "take": "True", "lane": "yellow"}
    assert client.post(url, data).status_code == 400
    entry.crossing.random_inspection_share = 0
    entry.crossing.save(update_fields=["random_inspection_share"])
    assert client.post(url, data).status_code == 400
    entry.refresh_from_db()
    assert entry.inspection_random and entry.inspection_required
    assert AuditLog.objects.filter(object_id=str(entry.pk), action="border_gate.entry.lane").count() == 1


def test_reports_xlsx(client, login, declare, run_pipeline, province_leader):
    run_pipeline(declare())
    report = services.daily_report_generate(date=timezone.localdate())
    login(province_leader)
    response = client.get(reverse("border_gate:report-xlsx", args=[report.date.isoformat()]))
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb["Thông quan"].iter_rows(values_only=True))
    hn = next(r for r in rows if r[0] == "Cửa khẩu quốc tế Hữu Nghị")
    assert hn[1] == 1 and hn[3] == 1
    assert client.get(reverse("border_gate:report-xlsx", args=["2020-13-45"])).status_code == 404


def test_online_fee_payment_passes_the_fee_step(client, declare, run_pipeline, officer_factory):
    from core.payments.sandbox import signed_callback

    entry = run_pipeline(declare(), until="fee")
    response = client.post(reverse("border_gate:driver-pay", args=[entry.token]))
    assert response.status_code == 302
    from core.payments.models import Payment

    payment = Payment.objects.get(object_id=str(entry.pk))
    assert payment.amount == entry.fee_amount and payment.payer is None
    body, headers = signed_callback(payment, status="paid")
    callback = reverse("payments:callback", kwargs={"provider": "sandbox"})
    assert client.post(callback, body, content_type="application/json", **headers).status_code == 200
    client.post(callback, body, content_type="application/json", **headers)  # the bank retries
    entry.refresh_from_db()
    assert entry.fee_paid_at is not None and entry.fee_receipt_number
    assert entry.current_step.step.code == "immigration"
    assert AuditLog.objects.filter(action="border_gate.entry.fee_paid", object_id=str(entry.pk)).count() == 1


def test_paid_before_the_fee_step_passes_it_on_arrival(declare, run_pipeline, enterprise_rep):
    from core.payments.sandbox import sandbox_bank_send
    from core.payments.services import payment_handle_callback  # noqa: F401 - contract check

    entry = declare()
    payment = services.fee_request_payment(actor=enterprise_rep, entry=entry)
    sandbox_bank_send(payment, status="paid")
    entry = run_pipeline(entry, until="immigration")
    fee = entry.steps.get(step__code="fee")
    assert fee.status == "passed" and fee.decided_by_label == "payments"


def test_officer_decides_straight_from_the_entry_page(client, login, declare, officer_factory):
    entry = declare()
    gate = officer_factory("gate_board")
    login(gate)
    page = client.get(reverse("border_gate:officer-entry", args=[entry.code])).content.decode()
    # Both ways are offered: reserve the truck first, or decide at once.
    assert "Nhận xử lý" in page and "Ghi quyết định" in page and 'name="take" value="True"' in page
    response = client.post(
        reverse("border_gate:officer-decide", args=[entry.code]),
        {"entry_step": entry.current_step_id, "decision": "pass", "take": "True"},
    )
    assert response.status_code == 302
    es = EntryStep.objects.get(pk=entry.current_step_id)
    assert es.status == "passed" and es.taken_by == gate and es.decided_by == gate
    # Without `take` the rule stays: take first.
    entry.refresh_from_db()
    login(officer_factory("health_quarantine"))
    refused = client.post(
        reverse("border_gate:officer-decide", args=[entry.code]),
        {"entry_step": entry.current_step_id, "decision": "pass"},
    )
    assert refused.status_code == 400 and "Nhận lượt xe này trước" in refused.content.decode()
    assert EntryStep.objects.get(pk=entry.current_step_id).status == "pending"


def test_direct_decision_refused_while_a_colleague_holds_the_truck(client, login, declare, officer_factory):
    entry = declare()
    services.step_take(officer=officer_factory("gate_board"), entry_step=entry.current_step)
    login(officer_factory("gate_board", n=1))
    page = client.get(reverse("border_gate:officer-entry", args=[entry.code])).content.decode()
    assert "Đang được xử lý bởi" in page and "Ghi quyết định" not in page
    response = client.post(
        reverse("border_gate:officer-decide", args=[entry.code]),
        {"entry_step": entry.current_step_id, "decision": "pass", "take": "True"},
    )
    assert response.status_code == 400 and "Một cán bộ khác đang xử lý" in response.content.decode()
    assert not AuditLog.objects.filter(action="border_gate.entry.pass", object_id=str(entry.pk)).exists()


def test_a_decision_costs_a_bounded_number_of_queries(client, login, declare, officer_factory, run_pipeline):
    """The step submission of the peak-day benchmark: the border gate's own queries per decision
    (the session, user, roles and TOTP look-ups of the middleware are not counted here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    entry = run_pipeline(declare(), until="health")
    login(officer_factory("health_quarantine"))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("border_gate:officer-decide", args=[entry.code]),
            {"entry_step": entry.current_step_id, "decision": "pass", "take": "True"},
        )
    assert response.status_code == 302
    ours = [q["sql"] for q in queries if "border_gate_" in q["sql"] or "audit_auditlog" in q["sql"]]
    # scope, entry, lock entry, lock its steps, step, next step, entry, audit row
    assert len(ours) <= 8, "\n".join(ours)
    # The decision locks only the entry's own rows, never a step definition or the crossing.
    locks = [sql for sql in ours if "FOR UPDATE" in sql]
    assert locks and all("FOR UPDATE OF" in sql or "JOIN" not in sql for sql in locks)


def test_boards_are_served_from_the_stored_copy(client, login, declare, run_pipeline, officer_factory, monkeypatch):
    from border_gate import selectors

    monkeypatch.setattr(selectors, "BOARD_MAX_AGE", 300)
    crossing = Crossing.objects.get(code="huu-nghi")
    for key in (selectors.board_cache_key(crossing.pk), selectors.public_board_cache_key()):
        selectors.cache.delete(key)
    assert client.get(reverse("border_gate:live-json")).json()["waiting_total"] == 0
    run_pipeline(declare(), until="customs")
    # Within BOARD_MAX_AGE polls read the stored copy (a queue refresh updates it) ...
    assert client.get(reverse("border_gate:live-json")).json()["waiting_total"] == 0
    services.queue_recompute(crossing_id=crossing.pk)
    assert client.get(reverse("border_gate:live-json")).json()["waiting_total"] == 1
    # ... and the polled fragment is rendered once per stored copy, then read from the cache.
    login(officer_factory("gate_board"))
    first = client.get(reverse("border_gate:officer-board"), HTTP_HX_REQUEST="true").content.decode()
    assert "12C-123.45" in first and "<html" not in first
    monkeypatch.setattr("border_gate.views.public.render_to_string", lambda *a, **k: "not rendered again")
    assert client.get(reverse("border_gate:officer-board"), HTTP_HX_REQUEST="true").content.decode() == first
    # A stale copy is recomputed by the request that finds it.
    monkeypatch.setattr(selectors, "BOARD_MAX_AGE", 0)
    run_pipeline(declare(vehicle_plate="29C-111.22"), until="customs")
    assert client.get(reverse("border_gate:live-json")).json()["waiting_total"] == 2


def test_board_refreshes_are_coalesced(declare, run_pipeline, officer_factory, django_capture_on_commit_callbacks):
    """Steps that change the board schedule one delayed refresh per crossing and window, not one
    message per step."""
    from unittest import mock

    from border_gate import selectors, tasks

    crossing = Crossing.objects.get(code="huu-nghi")
    selectors.cache.delete(selectors.cache_key("recompute", crossing.pk))
    with mock.patch.object(tasks.recompute_queue, "apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True):
            run_pipeline(declare(vehicle_plate="29C-111.11"), until="plant_quarantine")
            run_pipeline(declare(vehicle_plate="29C-222.22"), until="plant_quarantine")
    assert send.call_count == 1
    assert send.call_args.args == ((crossing.pk,),)
    assert send.call_args.kwargs == {"countdown": services.QUEUE_RECOMPUTE_WINDOW}
    selectors.cache.delete(selectors.cache_key("recompute", crossing.pk))


def test_the_public_driver_page_shows_steps_and_statuses_only(
    client, login, declare, run_pipeline, officer_factory, border_guard
):
    """Anyone holding the driver's link reads the page: no officers' notes, reasons or certificate numbers."""
    from border_gate.models import Entry

    entry = run_pipeline(declare(), until="immigration")
    es = Entry.objects.get(pk=entry.pk).current_step
    services.step_hold(
        actor=officer_factory(es.step.force), entry_step=es, reason="Nghi vấn chứng từ — ghi chú nội bộ", take=True
    )
    page = client.get(reverse("border_gate:driver", args=[entry.token])).content.decode()
    assert "Tạm dừng" in page and "Liên hệ lực lượng chức năng" in page
    # (The fee receipt number stays: it is the driver's own proof of payment.)
    for secret in ("ghi chú nội bộ", "KDTV-2026-0001", "Không phát hiện sai lệch", "certificate_number"):
        assert secret not in page
    # Officers see the recorded values under their labels, never the raw keys.
    login(border_guard)
    officer_page = client.get(reverse("border_gate:officer-entry", args=[entry.code])).content.decode()
    assert "ghi chú nội bộ" in officer_page and "Số giấy chứng nhận: KDTV-2026-0001" in officer_page
    assert "certificate_number" not in officer_page and "inspection_result" not in officer_page

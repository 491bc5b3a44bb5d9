"""Declarants correct one field with that field's own input (issue 11), and the declaration form
shows every problem in one round with a summary at the top; versions, diffs and the officers'
history read as labels, never stored keys or action codes."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from border_gate.models import Entry
from tests.border_gate.test_views import declaration_post

pytestmark = pytest.mark.django_db


def _url(entry, **query):
    url = reverse("border_gate:entry-correct", args=[entry.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _input(page, name="value"):
    m = re.search(rf'<(input|select|textarea)[^>]*name="{name}"[^>]*>', page)
    return m.group(0) if m else ""


def _visible_text(page):
    main = page[page.index("<main") :]
    return re.sub(r"<[^>]+>", " ", main)


def test_the_correction_page_lists_each_declared_field_by_its_label_with_a_link(client, login, declare, enterprise_rep):
    entry = declare()
    login(enterprise_rep)
    page = client.get(_url(entry)).content.decode()
    text = _visible_text(page)
    for label in ("Biển số xe", "Điện thoại lái xe", "Dự kiến đến cửa khẩu", "Dòng hàng 1: Khối lượng (kg)"):
        assert label in text
    assert "Hoa quả tươi" in text and "20.000" in text  # choices by label, amounts formatted
    for raw in ("vehicle_plate", "driver_phone", "goods.1.", "fresh_fruit", "expected_arrival"):
        assert raw not in text
    # Each field has its own link (no JavaScript needed to pick the input).
    assert 'href="/border-gate/declarations/' in page or "?field=" in page
    assert "field=goods.weight_kg&amp;line=1" in page and "field=driver_phone" in page


@pytest.mark.parametrize(
    ("field", "expect"),
    [
        ("expected_arrival", r'type="datetime-local"'),
        ("driver_phone", r'type="tel"'),
        ("customs_declaration_number", r'inputmode="numeric"'),
        ("driver_id_number", r'inputmode="numeric"'),
        ("goods.weight_kg", r'type="number"'),
        ("goods.value_vnd", r'type="number"'),
        ("goods.goods_type", r"<select"),
        ("goods.perishable", r'type="radio"'),
        ("containers", r"<textarea"),
    ],
)
def test_each_field_is_corrected_with_its_own_input(client, login, declare, enterprise_rep, field, expect):
    entry = declare()
    login(enterprise_rep)
    page = client.get(_url(entry, field=field, line=1)).content.decode()
    assert re.search(expect, _input(page)), _input(page)


def test_the_input_is_prefilled_with_what_is_declared(client, login, declare, enterprise_rep):
    entry = declare()
    login(enterprise_rep)
    arrival = timezone.localtime(entry.expected_arrival).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{arrival}"' in _input(client.get(_url(entry, field="expected_arrival")).content.decode())
    assert 'value="20000"' in _input(client.get(_url(entry, field="goods.weight_kg", line=1)).content.decode())
    select = client.get(_url(entry, field="goods.goods_type", line=1)).content.decode()
    assert re.search(r'<option value="fresh_fruit" selected>Hoa quả tươi</option>', select)
    assert "Sửa “Nhóm hàng”" in select


def test_a_date_from_the_picker_is_saved(client, login, declare, enterprise_rep):
    """The picker sends 2026-12-25T08:30; the old free-text field wanted "YYYY-MM-DD HH:MM"."""
    entry = declare()
    login(enterprise_rep)
    when = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        _url(entry),
        {"field_name": "expected_arrival", "value": when.strftime("%Y-%m-%dT%H:%M"), "reason": "Xe xuất phát muộn"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert timezone.localtime(entry.expected_arrival).strftime("%d/%m %H:%M") == when.strftime("%d/%m %H:%M")


def test_goods_type_and_perishable_from_their_lists(client, login, declare, enterprise_rep):
    entry = declare()
    login(enterprise_rep)
    ok = client.post(
        _url(entry), {"field_name": "goods.goods_type", "line_no": "1", "value": "general", "reason": "Nhầm nhóm"}
    )
    assert ok.status_code == 302
    ok = client.post(
        _url(entry), {"field_name": "goods.perishable", "line_no": "1", "value": "0", "reason": "Hàng khô"}
    )
    assert ok.status_code == 302
    line = entry.goods.get()
    assert line.goods_type == "general" and line.perishable is False
    # The declarant's history reads as labels and values, never keys.
    page = client.get(reverse("border_gate:entry", args=[entry.code])).content.decode()
    history = page[page.index("Lịch sử sửa đổi") :]
    assert "Dòng hàng 1: Nhóm hàng" in history and "Hàng hóa khác" in history and "Hoa quả tươi" in history
    assert "Dòng hàng 1: Dễ hư hỏng" in history and ">Có<" in history and ">Không<" in history
    assert "goods.1" not in history and "general" not in history


def test_bad_input_is_answered_on_the_field_and_kept(client, login, declare, enterprise_rep):
    entry = declare()
    login(enterprise_rep)
    response = client.post(
        _url(entry), {"field_name": "goods.weight_kg", "line_no": "1", "value": "200000", "reason": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Khối lượng từ 1 đến 100.000 kg." in page and "Nêu lý do sửa." in page
    assert 'value="200000"' in _input(page)
    summary = page[page.index('class="error-summary"') : page.index("<h1")]
    assert 'href="#id_value"' in summary and 'href="#id_reason"' in summary
    # The service's own rules answer on the field too (a plate in the wrong format).
    response = client.post(_url(entry), {"field_name": "vehicle_plate", "value": "ABC", "reason": "Nhầm biển"})
    assert response.status_code == 400 and "không đúng định dạng" in response.content.decode()
    assert 'value="ABC"' in _input(response.content.decode())
    assert Entry.objects.get(pk=entry.pk).version == 1


def test_no_field_or_a_forged_field_never_500s(client, login, declare, enterprise_rep):
    entry = declare()
    login(enterprise_rep)
    assert client.post(_url(entry), {"field_name": "status", "value": "crossed", "reason": "x"}).status_code == 400
    assert client.post(_url(entry), {}).status_code == 400
    assert client.get(_url(entry, field="status")).status_code == 200
    assert client.get(_url(entry, field="goods.weight_kg", line="abc")).status_code == 200
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.DECLARED


def test_only_the_declarant_corrects(client, login, declare, citizen):
    entry = declare()
    login(citizen)
    assert client.get(_url(entry, field="driver_phone")).status_code == 404
    response = client.post(_url(entry), {"field_name": "driver_phone", "value": "0988777666", "reason": "x"})
    assert response.status_code == 404
    assert Entry.objects.get(pk=entry.pk).driver_phone == "0912000111"


def test_the_correction_form_in_english(client, login, declare, enterprise_rep):
    entry = declare()
    login(enterprise_rep)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        _url(entry), {"field_name": "goods.weight_kg", "line_no": "1", "value": "0", "reason": ""}
    ).content.decode()
    assert (
        "Weight (kg)" in page
        and "Weight from 1 to 100,000 kg." in page
        and "Give the reason for the correction." in page
    )
    assert "Khối lượng" not in page


def test_officers_read_the_history_as_labels(client, login, declare, enterprise_rep, border_guard):
    from border_gate import services

    entry = declare()
    services.entry_correct(
        actor=enterprise_rep, entry=entry, field_name="driver_phone", value="0988777666", reason="Đổi lái xe"
    )
    login(border_guard)
    page = client.get(reverse("border_gate:officer-entry", args=[entry.code])).content.decode()
    text = _visible_text(page)
    assert "Điện thoại lái xe" in text and "Sửa khai báo" in text and "Khai báo" in text
    for raw in ("border_gate.entry", "driver_phone"):
        assert raw not in text


def test_the_declaration_shows_every_problem_in_one_round_with_a_summary(client, login, enterprise_rep):
    """Before: the form's errors first, and the service's (driver ID, phone, arrival time) only once
    those were fixed."""
    login(enterprise_rep)
    past = (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("border_gate:declare"),
        declaration_post(
            vehicle_plate="ABC",
            driver_id_number="123",
            driver_phone="12345",
            expected_arrival=past,
            customs_declaration_number="12AB",
            **{"goods-0-weight_kg": "", "goods-0-hs_code": "7701"},
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    summary = page[page.index('class="error-summary"') : page.index("<h1")]
    for anchor in (
        "id_vehicle_plate",
        "id_driver_id_number",
        "id_driver_phone",
        "id_expected_arrival",
        "id_customs_declaration_number",
        "id_goods-0-weight_kg",
        "id_goods-0-hs_code",
    ):
        assert f'href="#{anchor}"' in summary, anchor
    assert "Thời gian dự kiến đến không được ở quá khứ." in summary
    assert "Dòng hàng 1 — Khối lượng (kg)" in summary
    assert "12AB" in page and "Sầu riêng tươi" in page  # what was typed stays
    assert Entry.objects.count() == 0


def test_a_declaration_without_goods_is_refused_on_the_goods(client, login, enterprise_rep):
    login(enterprise_rep)
    blank = {f"goods-0-{k}": "" for k in ("hs_code", "description", "goods_type", "weight_kg", "value_vnd")}
    response = client.post(reverse("border_gate:declare"), declaration_post(**blank, **{"goods-0-perishable": ""}))
    assert response.status_code == 400 and "Khai ít nhất một dòng hàng." in response.content.decode()

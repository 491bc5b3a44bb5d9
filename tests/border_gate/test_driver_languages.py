"""Drivers reach their page without the enterprise forwarding it (an SMS at declaration, a lookup by
code and phone) and read it in Vietnamese, English or Simplified Chinese (issue 11)."""

import pytest
from django.urls import reverse

from core.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _sms(entry):
    return Notification.objects.get(dedupe_key=f"border_gate.driver_link.{entry.pk}", channel="sms")


def test_the_driver_gets_the_link_by_sms_in_their_language(declare):
    entry = declare(driver_language="zh-hans")
    sms = _sms(entry)
    url = reverse("border_gate:driver", args=[entry.token])
    assert url in sms.body and entry.code in sms.body and "谅山数字口岸" in sms.body
    # Two SMS parts at most: Chinese is sent as UCS-2, 67 characters per part of a long message.
    assert len(sms.body) <= 2 * 67 + 20, sms.body  # the URL's host is the deployment's own
    vietnamese = _sms(declare(vehicle_plate="12C-555.55"))
    assert "Cửa khẩu số Lạng Sơn" in vietnamese.body


def test_the_sms_is_sent_once_per_declaration(declare):
    from border_gate.services.declarations import send_driver_link

    entry = declare()
    send_driver_link(entry=entry)
    assert Notification.objects.filter(event="border_gate.entry.driver_link", address=entry.driver_phone).count() == 1


def test_a_bad_driver_language_is_a_field_error(declare):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        declare(driver_language="xx")
    assert "driver_language" in e.value.message_dict


def test_the_driver_page_in_chinese(client, declare):
    entry = declare()
    url = reverse("border_gate:driver", args=[entry.token])
    page = client.get(url, {"lang": "zh-hans"})
    html = page.content.decode()
    assert page["Content-Language"] == "zh-hans" and '<html lang="zh-hans"' in html
    assert "办理步骤" in html and "控制点登记" in html and "待办理" in html and "申报编号" in html
    assert "Các bước" not in html
    # The choice is remembered for the driver pages, and English is there too.
    assert "办理步骤" in client.get(url).content.decode()
    english = client.get(url, {"lang": "en"}).content.decode()
    assert "Steps" in english and "Arrival check-in at the control point" in english
    # An unknown language is ignored, never an error.
    assert client.get(url, {"lang": "../../etc"}).status_code == 200


def test_the_page_opens_in_the_language_chosen_at_declaration(client, declare):
    entry = declare(driver_language="zh-hans")
    html = client.get(reverse("border_gate:driver", args=[entry.token])).content.decode()
    assert "办理步骤" in html


def test_a_driver_finds_the_page_by_code_and_phone(client, declare):
    entry = declare()
    find = reverse("border_gate:driver-find")
    assert client.get(find).status_code == 200
    r = client.get(find, {"code": entry.code.lower(), "phone": "0912 000 111", "lang": "zh-hans"})
    assert r.status_code == 302 and r["Location"].startswith(reverse("border_gate:driver", args=[entry.token]))
    # A wrong phone does not say whether the code exists.
    r = client.get(find, {"code": entry.code, "phone": "0912000112"})
    assert r.status_code == 200 and "Không tìm thấy lượt xe với mã và số điện thoại này." in r.content.decode()
    assert entry.token not in r.content.decode()
    # Bad input: a field error in the page's language, what was typed kept, never a 500.
    r = client.get(find, {"code": "BG-\x00" + "9" * 400, "phone": "abc", "lang": "zh-hans"})
    assert r.status_code == 400
    r = client.get(find, {"code": "BG-X", "phone": "abc", "lang": "zh-hans"})
    assert r.status_code == 400 and "手机号码无效。" in r.content.decode() and 'value="BG-X"' in r.content.decode()

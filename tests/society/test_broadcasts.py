"""Broadcasts: templates with placeholders, leader approval, delivery through core.notifications'
channel backends (local files here), per-recipient status, and never twice per recipient+channel
even when a worker dies mid-send."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.errors import NotAllowedError, ServiceError
from core.geo.models import AdministrativeUnit as Unit
from society.models import Broadcast, BroadcastDelivery
from society.services import broadcasts
from tests.conftest import COMMUNE_A

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


def _outbox(channel):
    lines = []
    for path in Path(settings.PORTAL_OUTBOX_PATH).glob(f"{channel}-*.jsonl"):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return lines


@pytest.fixture(autouse=True)
def clean_outbox(settings, tmp_path):
    # One outbox folder per test: the two xdist workers share the profile's outbox, and a test on
    # the other worker emptying it between a send and its assertion made this test flaky.
    settings.PORTAL_OUTBOX_PATH = tmp_path / "outbox"
    settings.PORTAL_SMS_FILE_PATH = tmp_path / "sms"


@pytest.fixture
def commune():
    return Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)


def test_placeholders_are_checked_and_commune_officials_write_to_their_commune(
    commune, commune_official, other_commune_official
):
    with pytest.raises(ServiceError) as exc:
        broadcasts.broadcast_create(
            actor=commune_official,
            title="T",
            body="Kính gửi {ten}",
            communes=[commune],
            group="citizens",
            channels=["sms"],
        )
    assert "{ten}" in exc.value.errors["body"][0]
    with pytest.raises(ServiceError) as exc:
        broadcasts.broadcast_create(
            actor=other_commune_official,
            title="T",
            body="Xin chào",
            communes=[commune],
            group="citizens",
            channels=["sms"],
        )
    assert "communes" in exc.value.errors


def test_write_submit_approve_and_deliver_once(
    client,
    login,
    commune,
    commune_official,
    province_leader,
    citizen,
    citizen2,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    login(commune_official)
    response = client.post(
        reverse("society:broadcast-new"),
        {
            "title": "Lịch tiêm chủng",
            "body": "Kính gửi {ho_ten}: UBND {xa} thông báo lịch tiêm chủng ngày {ngay}.",
            "communes": [commune.pk],
            "group": "citizens",
            "channels": ["sms", "zalo", "email", "loudspeaker"],
        },
    )
    broadcast = Broadcast.objects.get()
    assert response.url == reverse("society:broadcast-detail", args=[broadcast.pk])
    client.post(reverse("society:broadcast-action", args=[broadcast.pk, "submit"]))
    client.post(reverse("society:broadcast-action", args=[broadcast.pk, "approve"]))  # not a leader
    broadcast.refresh_from_db()
    assert broadcast.status == "submitted"
    login(province_leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("society:broadcast-action", args=[broadcast.pk, "approve"]), {"note": "Đồng ý"})
    broadcast.refresh_from_db()
    assert broadcast.status == "approved" and broadcast.decided_by == province_leader
    # The citizen of the commune on sms, zalo (phone) and email; the commune's loudspeakers; not citizen2.
    statuses = dict(BroadcastDelivery.objects.values_list("channel", "status"))
    assert statuses == {"sms": "sent", "zalo": "sent", "email": "sent", "loudspeaker": "sent"}
    assert not BroadcastDelivery.objects.filter(user=citizen2).exists()
    sms = BroadcastDelivery.objects.get(channel="sms")
    assert sms.body.startswith(f"Kính gửi {citizen.full_name}: UBND {commune.name} thông báo")
    assert [m["to"] for m in _outbox("zalo")] == [citizen.phone]
    assert [m["to"] for m in _outbox("loudspeaker")] == [str(commune.code)]
    page = client.get(reverse("society:broadcast-detail", args=[broadcast.pk])).content.decode()
    assert "Đã gửi" in page and citizen.phone in page
    # Approving again, or a redelivered task, sends nothing more.
    broadcasts.broadcast_approve(actor=province_leader, broadcast=broadcast)
    assert broadcasts.broadcast_send(broadcast_id=broadcast.pk) == 0
    assert BroadcastDelivery.objects.count() == 4 and len(_outbox("zalo")) == 1


def test_a_worker_dying_mid_send_never_sends_twice(commune, commune_official, province_leader, citizen):
    broadcast = broadcasts.broadcast_create(
        actor=commune_official,
        title="Mất điện",
        body="Mất điện {ngay}",
        communes=[commune],
        group="citizens",
        channels=["zalo"],
    )
    broadcasts.broadcast_submit(actor=commune_official, broadcast=broadcast)
    broadcasts.broadcast_approve(actor=province_leader, broadcast=broadcast)  # on_commit not run: nothing sent yet
    delivery = BroadcastDelivery.objects.get()
    # A worker claimed it (committed SENDING) and died before recording the outcome.
    BroadcastDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    assert broadcasts.broadcasts_recover() == (1, 0)
    delivery.refresh_from_db()
    assert delivery.status == "unknown"
    assert broadcasts.broadcast_send(broadcast_id=broadcast.pk) == 0  # never sent blindly
    assert _outbox("zalo") == []
    # The database refuses a second row for the same recipient and channel.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BroadcastDelivery.objects.create(
            broadcast=broadcast, recipient_key=delivery.recipient_key, channel="zalo", address="x", body="x"
        )


def test_authors_cannot_approve_their_own(commune, province_leader):
    broadcast = broadcasts.broadcast_create(
        actor=province_leader, title="T", body="B", communes=[commune], group="citizens", channels=["sms"]
    )
    broadcasts.broadcast_submit(actor=province_leader, broadcast=broadcast)
    with pytest.raises(NotAllowedError):
        broadcasts.broadcast_approve(actor=province_leader, broadcast=broadcast)
    with pytest.raises(ServiceError):
        broadcasts.broadcast_reject(actor=province_leader, broadcast=broadcast, note="")


def _interrupted(commune_official, province_leader, commune, channels):
    """An approved broadcast whose deliveries a worker claimed (committed SENDING, one hand-over
    counted) before dying; the beat job has marked them unknown."""
    broadcast = broadcasts.broadcast_create(
        actor=commune_official,
        title="Lịch tiêm phòng",
        body="Kính gửi {ho_ten}: tiêm phòng ngày {ngay}",
        communes=[commune],
        group="citizens",
        channels=channels,
    )
    broadcasts.broadcast_submit(actor=commune_official, broadcast=broadcast)
    broadcasts.broadcast_approve(actor=province_leader, broadcast=broadcast)  # on_commit not run here
    BroadcastDelivery.objects.filter(broadcast=broadcast).update(
        status="sending", claimed_at=timezone.now() - timezone.timedelta(minutes=10), attempts=1
    )
    broadcasts.broadcasts_recover()
    return broadcast


def test_an_interrupted_delivery_the_provider_never_got_is_sent_again_exactly_once(
    client, login, commune, commune_official, province_leader, citizen
):
    broadcast = _interrupted(commune_official, province_leader, commune, ["zalo", "sms"])
    assert set(BroadcastDelivery.objects.values_list("status", flat=True)) == {"unknown"}
    assert broadcasts.deliveries_settle_unknown(broadcast_id=broadcast.pk) == {
        "sent": 0,
        "pending": 2,
        "failed": 0,
        "undecidable": 0,
    }
    broadcasts.broadcast_send(broadcast_id=broadcast.pk)
    # Settling again, a redelivered task, the beat job: nothing more is sent.
    assert broadcasts.deliveries_settle_unknown(broadcast_id=broadcast.pk)["pending"] == 0
    broadcasts.broadcasts_recover()
    broadcasts.broadcast_send(broadcast_id=broadcast.pk)
    assert [m["to"] for m in _outbox("zalo")] == [citizen.phone]
    sms = [line for p in Path(settings.PORTAL_SMS_FILE_PATH).glob("sms-*.jsonl") for line in p.read_text().splitlines()]
    assert sum(1 for line in sms if f'"society.broadcast.{broadcast.pk}"' in line) == 1
    assert set(BroadcastDelivery.objects.values_list("status", "attempts")) == {("sent", 2)}
    login(commune_official)
    page = client.get(reverse("society:broadcast-detail", args=[broadcast.pk])).content.decode()
    assert "Đã gửi 1" in page and "Zalo OA" in page


def test_an_interrupted_delivery_the_provider_already_holds_is_not_sent_again(
    commune, commune_official, province_leader, citizen
):
    from core.notifications.backends import get_backend

    broadcast = _interrupted(commune_official, province_leader, commune, ["zalo"])
    delivery = BroadcastDelivery.objects.get()
    provider_id = get_backend("zalo").send(delivery)  # the provider got it just before the worker died
    assert broadcasts.deliveries_settle_unknown(broadcast_id=broadcast.pk)["sent"] == 1
    broadcasts.broadcast_send(broadcast_id=broadcast.pk)
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.provider_id == provider_id and delivery.attempts == 1
    assert len(_outbox("zalo")) == 1


def test_resends_are_bounded_and_a_provider_that_cannot_tell_leaves_it_to_an_official(
    client, login, commune, commune_official, province_leader, citizen
):
    broadcast = _interrupted(commune_official, province_leader, commune, ["zalo", "email"])
    BroadcastDelivery.objects.filter(channel="zalo").update(attempts=broadcasts.MAX_ATTEMPTS)
    result = broadcasts.deliveries_settle_unknown(broadcast_id=broadcast.pk)
    assert result == {"sent": 0, "pending": 0, "failed": 1, "undecidable": 1}
    assert BroadcastDelivery.objects.get(channel="zalo").status == "failed"
    email = BroadcastDelivery.objects.get(channel="email")
    assert email.status == "unknown"  # e-mail cannot be looked up: not resent
    assert broadcasts.deliveries_settle_unknown(broadcast_id=broadcast.pk) == {
        "sent": 0,
        "pending": 0,
        "failed": 0,
        "undecidable": 0,
    }
    assert _outbox("zalo") == []
    login(commune_official)
    page = client.get(reverse("society:broadcast-detail", args=[broadcast.pk])).content.decode()
    assert "cần cán bộ kiểm tra" in page and "Gửi thất bại 1" in page


def test_an_official_resends_what_the_provider_cannot_confirm_once_and_within_bounds(
    client,
    login,
    commune,
    commune_official,
    other_commune_official,
    province_leader,
    citizen,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    from core.audit.models import AuditLog

    broadcast = _interrupted(commune_official, province_leader, commune, ["email"])
    broadcasts.deliveries_settle_unknown(broadcast_id=broadcast.pk)
    email = BroadcastDelivery.objects.get(channel="email")
    assert (email.status, email.error) == ("unknown", broadcasts.ERROR_CANNOT_TELL)
    url = reverse("society:broadcast-resend", args=[broadcast.pk])
    form = {"delivery": [email.pk], "attempts": [1]}
    # Officials of another commune do not even find the broadcast.
    login(other_commune_official)
    assert client.post(url, form).status_code == 404
    login(commune_official)
    page = client.get(reverse("society:broadcast-detail", args=[broadcast.pk])).content.decode()
    assert "Cần cán bộ kiểm tra" in page and citizen.email in page and "Gửi lại" in page
    assert client.get(url).status_code == 405  # a GET never sends
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)
    assert "Đã gửi lại 1 lượt." in response.content.decode()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    from django.core import mail

    assert [m.to for m in mail.outbox] == [[citizen.email]]
    entry = AuditLog.objects.get(action="society.broadcast.resend")
    assert entry.actor == commune_official and entry.after["deliveries"] == [email.pk]
    # The same form sent again (double submit, or a second official): nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)
    assert "Không còn lượt nào chờ gửi lại" in response.content.decode()
    assert len(mail.outbox) == 1 and AuditLog.objects.filter(action="society.broadcast.resend").count() == 1
    # Bounded: an e-mail already handed over MAX_ATTEMPTS times is not sent again.
    BroadcastDelivery.objects.filter(pk=email.pk).update(
        status="unknown", error=broadcasts.ERROR_CANNOT_TELL, attempts=broadcasts.MAX_ATTEMPTS
    )
    page = client.get(reverse("society:broadcast-detail", args=[broadcast.pk])).content.decode()
    assert "Đã gửi đủ số lần cho phép" in page
    response = client.post(url, {"delivery": [email.pk], "attempts": [broadcasts.MAX_ATTEMPTS]}, follow=True)
    assert "không gửi lại nữa" in response.content.decode()
    email.refresh_from_db()
    assert email.status == "unknown" and len(mail.outbox) == 1
    # Forged values are refused quietly, never a 500.
    assert client.post(url, {"delivery": ["x"], "attempts": ["1", "2"]}).status_code == 302
    assert client.post(url, {"delivery": [email.pk]}).status_code == 302
    email.refresh_from_db()
    assert email.status == "unknown" and len(mail.outbox) == 1
    # A viewer without a broadcasting role cannot resend.
    with pytest.raises(NotAllowedError):
        broadcasts.deliveries_resend(actor=citizen, broadcast=broadcast, seen={email.pk: 3})


def test_a_template_with_placeholders_reaches_a_chosen_group(
    client, login, commune, commune_official, province_leader, citizen, django_capture_on_commit_callbacks, celery_eager
):
    """Written from a saved template (body left empty), to the commune's technology team members
    only: the member gets it with their own name; the commune's other citizens do not."""
    from society.models import BroadcastTemplate, TechTeam, TechTeamMember
    from tests.conftest import make_user

    template = BroadcastTemplate.objects.create(
        name="Họp tổ công nghệ", body="Kính gửi {ho_ten}: tổ công nghệ số {xa} họp ngày {ngay}."
    )
    member = make_user("thanhvien@example.vn", full_name="Bế Thị Hoa", phone="0912000111")
    team = TechTeam.objects.create(
        commune=commune, village="Thôn Nà Chuông", name="Tổ CNS Nà Chuông", members=3, established_on="2025-02-10"
    )
    TechTeamMember.objects.create(team=team, user=member)
    login(commune_official)
    page = client.get(reverse("society:broadcast-new")).content.decode()
    assert "Họp tổ công nghệ" in page
    response = client.post(
        reverse("society:broadcast-new"),
        {
            "title": "Họp tổ",
            "template": template.pk,
            "body": "",
            "communes": [commune.pk],
            "group": "team_members",
            "channels": ["sms"],
        },
    )
    broadcast = Broadcast.objects.get()
    assert response.url == reverse("society:broadcast-detail", args=[broadcast.pk])
    assert broadcast.body == template.body and broadcast.template == template
    broadcasts.broadcast_submit(actor=commune_official, broadcast=broadcast)
    with django_capture_on_commit_callbacks(execute=True):
        broadcasts.broadcast_approve(actor=province_leader, broadcast=broadcast)
    delivery = BroadcastDelivery.objects.get()
    assert delivery.user == member and delivery.status == "sent"
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert delivery.body == f"Kính gửi Bế Thị Hoa: tổ công nghệ số {commune.name} họp ngày {today}."
    assert not BroadcastDelivery.objects.filter(user=citizen).exists()
    # Neither a template nor a text: refused under the text, what was chosen kept.
    response = client.post(
        reverse("society:broadcast-new"),
        {"title": "Trống", "body": "", "communes": [commune.pk], "group": "citizens", "channels": ["zalo"]},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Nhập nội dung hoặc chọn một mẫu." in html and 'value="Trống"' in html


def test_loudspeaker_announcements_go_into_the_communes_next_radio_slot(
    client, login, commune, commune_official, other_commune_official, province_leader, citizen
):
    import datetime as dt

    from core.notifications.backends import get_backend

    local = timezone.get_current_timezone()
    # Approved at 09:15 local: the evening slot; at 18:00: tomorrow morning; at 05:00: this morning.
    day = dt.date(2026, 12, 7)
    assert broadcasts.next_loudspeaker_slot(dt.datetime.combine(day, dt.time(9, 15), tzinfo=local)) == (
        dt.datetime.combine(day, dt.time(17, 0), tzinfo=local)
    )
    assert broadcasts.next_loudspeaker_slot(dt.datetime.combine(day, dt.time(18, 0), tzinfo=local)) == (
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(6, 0), tzinfo=local)
    )
    assert broadcasts.next_loudspeaker_slot(dt.datetime.combine(day, dt.time(5, 0), tzinfo=local)) == (
        dt.datetime.combine(day, dt.time(6, 0), tzinfo=local)
    )
    broadcast = broadcasts.broadcast_create(
        actor=commune_official,
        title="Lịch cắt điện",
        body="Thông báo bà con {xa}: cắt điện ngày {ngay}.",
        communes=[commune],
        group="citizens",
        channels=["loudspeaker"],
    )
    broadcasts.broadcast_submit(actor=commune_official, broadcast=broadcast)
    broadcasts.broadcast_approve(actor=province_leader, broadcast=broadcast)
    item = BroadcastDelivery.objects.get()
    assert item.scheduled_for == broadcasts.next_loudspeaker_slot(broadcast.decided_at)
    assert item.body.startswith(f"Thông báo bà con {commune.name}")
    # The local backend writes the slot with the item, as the vendor's API receives it.
    get_backend("loudspeaker").send(item)
    line = _outbox("loudspeaker")[0]
    assert line["to"] == str(commune.code) and line["play_at"] == item.scheduled_for.isoformat()
    # The commune's schedule shows it; another commune's official does not see it.
    login(commune_official)
    page = client.get(reverse("society:loudspeaker-schedule")).content.decode()
    slot = timezone.localtime(item.scheduled_for).strftime("%H:%M %d/%m/%Y")
    assert "Lịch cắt điện" in page and slot in page and commune.name in page
    login(other_commune_official)
    page = client.get(reverse("society:loudspeaker-schedule")).content.decode()
    assert "Lịch cắt điện" not in page and "Chưa có thông báo nào trong lịch phát thanh." in page


def test_a_commune_official_sets_the_communes_loudspeaker_slots_and_approvals_use_them(
    client, login, commune, commune_official, other_commune_official, province_leader, department_official
):
    """Per-commune slots: set on a page by the commune's own officials (validated field by field,
    audited, no other commune's), and used for that commune's loudspeaker items when approved."""
    import datetime as dt

    from core.audit.models import AuditLog
    from society.models import LoudspeakerSlots

    url = reverse("society:loudspeaker-slots")
    login(commune_official)
    page = client.get(url).content.decode()
    # The current (default) slots are filled in, as a phone's time picker reads them.
    assert 'value="06:00"' in page and 'value="17:00"' in page and commune.name in page
    # Bad input: each field says what is wrong and keeps what was typed; nothing saved.
    bad = client.post(url, {"slot_1": "06:00", "slot_2": "25:99"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "Nhập một thời gian hợp lệ." in html and 'value="25:99"' in html
    bad = client.post(url, {"slot_1": "04:30", "slot_2": "11:30", "slot_3": "11:30"})
    html = bad.content.decode()
    assert "Giờ phát từ 05:00 đến 21:00." in html and "Trùng với giờ phát thứ 2." in html
    assert 'value="04:30"' in html and html.count('value="11:30"') == 2
    empty = client.post(url, {"slot_1": "", "slot_2": ""}).content.decode()
    assert "Cần ít nhất một giờ phát trong ngày." in empty
    assert not LoudspeakerSlots.objects.exists()
    # Saved sorted; the same form again (double submit) changes and audits nothing more.
    response = client.post(url, {"slot_1": "18:30", "slot_2": "11:30", "slot_3": "06:15"}, follow=True)
    html = response.content.decode()
    assert f"Đã lưu giờ phát loa truyền thanh của {commune.name}." in html and "06:15, 11:30, 18:30" in html
    client.post(url, {"slot_1": "18:30", "slot_2": "11:30", "slot_3": "06:15"})
    row = LoudspeakerSlots.objects.get(commune=commune)
    assert row.times == [dt.time(6, 15), dt.time(11, 30), dt.time(18, 30)]
    log = AuditLog.objects.get(action="society.loudspeaker_slots.update")
    assert log.before == {"times": ["06:00", "17:00"]}
    assert log.after == {"times": ["06:15", "11:30", "18:30"], "moved": []}
    # Another commune's official edits only their own commune (the page never takes a commune),
    # and a province official, who has no commune of their own, cannot set any.
    login(other_commune_official)
    client.post(url, {"slot_1": "07:00"})
    assert LoudspeakerSlots.objects.get(commune=commune).times == row.times
    assert LoudspeakerSlots.objects.exclude(commune=commune).get().times == [dt.time(7, 0)]
    with pytest.raises(NotAllowedError):
        broadcasts.loudspeaker_slots_set(actor=other_commune_official, commune=commune, times=[dt.time(8, 0)])
    login(department_official)
    assert client.get(url).status_code == 403
    # An announcement approved now goes into this commune's next own slot, which the local
    # loudspeaker backend hands over with the item.
    broadcast = broadcasts.broadcast_create(
        actor=commune_official,
        title="Tiêm phòng cho gia súc",
        body="Thông báo bà con {xa}.",
        communes=[commune],
        group="citizens",
        channels=["loudspeaker"],
    )
    broadcasts.broadcast_submit(actor=commune_official, broadcast=broadcast)
    broadcasts.broadcast_approve(actor=province_leader, broadcast=broadcast)
    item = BroadcastDelivery.objects.get(broadcast=broadcast)
    local_slot = timezone.localtime(item.scheduled_for)
    assert local_slot.time() in row.times
    assert item.scheduled_for == broadcasts.next_loudspeaker_slot(broadcast.decided_at, row.times)
    from core.notifications.backends import get_backend

    get_backend("loudspeaker").send(item)
    assert _outbox("loudspeaker")[0]["play_at"] == item.scheduled_for.isoformat()
    local = timezone.get_current_timezone()
    day = dt.date(2026, 12, 7)
    assert broadcasts.next_loudspeaker_slot(dt.datetime.combine(day, dt.time(12, 0), tzinfo=local), row.times) == (
        dt.datetime.combine(day, dt.time(18, 30), tzinfo=local)
    )

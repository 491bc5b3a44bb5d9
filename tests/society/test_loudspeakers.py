"""A commune changes its loudspeaker times: the items of its announcements not yet read out move to
the first new slot, in our records and in the loudspeaker system (which is asked to move the item
it holds, never to add one), idempotently and audited; an item already read out stays where it
was, another commune's items do not move, and a worker dying between the system's answer and the
commit leaves the commune radio with one item per announcement."""

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core.audit.models import AuditLog
from core.geo.models import AdministrativeUnit as Unit
from society.models import BroadcastDelivery
from society.services import broadcasts, loudspeakers
from society.tasks import recover_broadcasts
from tests.conftest import COMMUNE_A, COMMUNE_B

pytestmark = pytest.mark.django_db

LOCAL = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 12, 7)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.PORTAL_OUTBOX_PATH = tmp_path / "outbox"


def _lines():
    lines = []
    for path in sorted(Path(settings.PORTAL_OUTBOX_PATH).glob("loudspeaker-*.jsonl")):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return lines


def radio_schedule() -> dict[str, list[tuple[str, dt.datetime]]]:
    """What each commune's radio holds, read as the radio reads the local schedule: an item per id
    added by a send line, its slot the last line's for that id."""
    items: dict[str, dict] = {}
    for line in _lines():
        if line.get("op") == "reschedule":
            assert line["id"] in items, "a reschedule names an item the radio holds"
            items[line["id"]]["play_at"] = line["play_at"]
        else:
            items[line["id"]] = {"to": line["to"], "ref": line["ref"], "play_at": line["play_at"]}
    by_commune: dict[str, list[tuple[str, dt.datetime]]] = {}
    for item in items.values():
        by_commune.setdefault(item["to"], []).append((item["ref"], dt.datetime.fromisoformat(item["play_at"])))
    return by_commune


def _announce(author, leader, communes, title):
    broadcast = broadcasts.broadcast_create(
        actor=author,
        title=title,
        body="Thông báo bà con {xa}.",
        communes=communes,
        group="citizens",
        channels=["loudspeaker"],
    )
    broadcasts.broadcast_submit(actor=author, broadcast=broadcast)
    broadcasts.broadcast_approve(actor=leader, broadcast=broadcast)
    return broadcast


def test_new_times_move_the_communes_items_not_yet_read_out(
    client, login, commune_official, department_official, province_leader
):
    commune = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)
    other = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_B)
    with time_machine.travel(at(8), tick=False) as clock:
        # 08:00 with the default times (06:00, 17:00): two announcements for 17:00 today, one
        # already handed to the radio, one still waiting to be handed; a third for both communes.
        sent = _announce(commune_official, province_leader, [commune], "Lịch cắt điện")
        broadcasts.broadcast_send(broadcast_id=sent.pk)
        waiting = _announce(commune_official, province_leader, [commune], "Tiêm phòng gia súc")
        both = _announce(department_official, province_leader, [commune, other], "Phòng chống rét")
        broadcasts.broadcast_send(broadcast_id=both.pk)
        item = BroadcastDelivery.objects.get(broadcast=sent)
        assert item.scheduled_for == at(17) and item.provider_play_at == at(17)
        assert radio_schedule()[str(commune.code)] == [
            (str(item.pk), at(17)),
            (str(BroadcastDelivery.objects.get(broadcast=both, address=str(commune.code)).pk), at(17)),
        ]

        # The commune official sets 07:30, 11:00, 19:00 on the page: the next slot is 11:00.
        login(commune_official)
        response = client.post(
            reverse("society:loudspeaker-slots"), {"slot_1": "07:30", "slot_2": "11:00", "slot_3": "19:00"}, follow=True
        )
        html = response.content.decode()
        assert "3 thông báo chưa phát được chuyển sang giờ phát mới." in html
        ours = BroadcastDelivery.objects.filter(address=str(commune.code))
        assert sorted(d.scheduled_for for d in ours) == [at(11)] * 3
        theirs = BroadcastDelivery.objects.get(address=str(other.code))
        assert theirs.scheduled_for == at(17)  # another commune's item does not move
        log = AuditLog.objects.get(action="society.loudspeaker_slots.update")
        assert {m["delivery"] for m in log.after["moved"]} == {d.pk for d in ours}
        assert all(
            (dt.datetime.fromisoformat(m["from"]), dt.datetime.fromisoformat(m["to"])) == (at(17), at(11))
            for m in log.after["moved"]
        )
        # The schedule page shows them at 11:00 already.
        page = client.get(reverse("society:loudspeaker-schedule")).content.decode()
        assert "Lịch cắt điện" in page and "11:00 07/12/2026" in page and "17:00 07/12/2026" not in page
        # Until the loudspeaker system confirms, the official sees the two it holds as moving.
        assert page.count("Đã đổi giờ, chờ hệ thống loa xác nhận") == 2

        # The radio is told (the task enqueued after commit; run here): the two items it holds
        # move, the waiting one goes out with its new slot, nothing is added twice.
        assert loudspeakers.loudspeaker_sync(commune_id=commune.pk) == {"moved": 2, "played": 0, "failed": 0}
        broadcasts.broadcast_send(broadcast_id=waiting.pk)
        schedule = radio_schedule()
        assert sorted(schedule[str(commune.code)]) == sorted((str(d.pk), at(11)) for d in ours)
        assert schedule[str(other.code)] == [(str(theirs.pk), at(17))]
        assert AuditLog.objects.filter(action="society.loudspeaker.sync").count() == 1
        page = client.get(reverse("society:loudspeaker-schedule")).content.decode()
        assert "Đã đổi giờ, chờ hệ thống loa xác nhận" not in page

        # Idempotent: again, nothing to do, nothing written.
        lines = len(_lines())
        assert loudspeakers.loudspeaker_sync() == {"moved": 0, "played": 0, "failed": 0}
        assert len(_lines()) == lines
        # A worker that died after the radio answered but before its commit: the row still says
        # 17:00, so the move is asked again — with the same slot, the radio still holds one item.
        # The beat job (every two minutes) is what asks again.
        BroadcastDelivery.objects.filter(pk=item.pk).update(provider_play_at=at(17))
        assert recover_broadcasts() == {
            "unknown": 0, "enqueued": 0, "loudspeakers": {"moved": 1, "played": 0, "failed": 0},
        }  # fmt: skip
        assert len(_lines()) == lines + 1
        assert sorted(radio_schedule()[str(commune.code)]) == sorted((str(d.pk), at(11)) for d in ours)

        # The same times again (a double submit) move and audit nothing more.
        client.post(reverse("society:loudspeaker-slots"), {"slot_1": "07:30", "slot_2": "11:00", "slot_3": "19:00"})
        assert AuditLog.objects.filter(action="society.loudspeaker_slots.update").count() == 1

        # 12:00: the 11:00 items were read out. New times move none of them.
        clock.move_to(at(12))
        login(commune_official)  # a fresh session: an official's idle session ends well within 4 hours
        client.post(reverse("society:loudspeaker-slots"), {"slot_1": "13:00", "slot_2": "20:00"})
        assert sorted(d.scheduled_for for d in ours.all()) == [at(11)] * 3
        assert (
            AuditLog.objects.filter(action="society.loudspeaker_slots.update").order_by("pk").last().after["moved"]
            == []
        )
        assert loudspeakers.loudspeaker_sync()["moved"] == 0


def test_an_item_read_out_before_the_radio_could_move_it_keeps_its_old_slot(
    commune_official, province_leader, settings
):
    """The radio was unreachable when the times changed, and its old slot came: it was read out
    then, so the record says so and the radio is not asked to play it again later."""
    commune = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)
    with time_machine.travel(at(8), tick=False) as clock:
        broadcast = _announce(commune_official, province_leader, [commune], "Lịch cắt điện")
        broadcasts.broadcast_send(broadcast_id=broadcast.pk)
        loudspeakers.loudspeaker_slots_set(actor=commune_official, commune=commune, times=[dt.time(19, 0)])
        item = BroadcastDelivery.objects.get(broadcast=broadcast)
        assert (item.scheduled_for, item.provider_play_at) == (at(19), at(17))
        # The radio refuses (down): the row waits for the next run, nothing is written.
        settings.PORTAL_OUTBOX_PATH = Path("/proc/no-such-outbox")
        assert loudspeakers.loudspeaker_sync()["failed"] == 1
        clock.move_to(at(17, 30))
        assert loudspeakers.loudspeaker_sync() == {"moved": 0, "played": 1, "failed": 0}
        item.refresh_from_db()
        assert item.scheduled_for == at(17) and item.provider_play_at == at(17)

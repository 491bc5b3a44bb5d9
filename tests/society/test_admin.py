"""The Django admin shows the primary awards, the communes' loudspeaker times and the homeroom
assessments, read-only: they change only through the audited services and their pages (an award's
title is checked against the year's result and frozen once signed; new loudspeaker times move the
commune's pending items). Broadcast templates are edited there, their placeholders checked."""

import datetime as dt

import pytest
from django.urls import reverse

from core.geo.models import AdministrativeUnit as Unit
from society.models import BroadcastTemplate, LoudspeakerSlots, PrimaryAward
from society.services import loudspeakers
from tests.conftest import COMMUNE_A

pytestmark = pytest.mark.django_db


def test_awards_and_loudspeaker_times_are_shown_read_only(client, sysadmin, primary, commune_official):
    world = primary
    enrollment = world.school_class.enrollments.order_by("number").first()
    award = PrimaryAward.objects.create(
        enrollment=enrollment, other="Giải Nhì Hội thi Viết chữ đẹp", decided_by=world.principal
    )
    commune = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)
    slots = loudspeakers.loudspeaker_slots_set(
        actor=commune_official, commune=commune, times=[dt.time(6, 30), dt.time(18, 0)]
    )
    client.force_login(sysadmin)
    for model, obj, shown in (
        ("primaryaward", award, "Giải Nhì Hội thi Viết chữ đẹp"),
        ("loudspeakerslots", slots, "06:30, 18:00"),
    ):
        changelist = client.get(reverse(f"admin:society_{model}_changelist"))
        assert changelist.status_code == 200 and shown in changelist.content.decode()
        assert client.get(reverse(f"admin:society_{model}_add")).status_code == 403
        change = client.get(reverse(f"admin:society_{model}_change", args=[obj.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert client.post(reverse(f"admin:society_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    for model in ("primaryquality", "conduct", "homeroombook", "assessmentchange", "broadcast", "broadcastdelivery"):
        assert client.get(reverse(f"admin:society_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:society_{model}_add")).status_code == 403
    assert PrimaryAward.objects.filter(pk=award.pk).exists()
    assert LoudspeakerSlots.objects.get(pk=slots.pk).times == [dt.time(6, 30), dt.time(18, 0)]


def test_broadcast_templates_are_edited_in_the_admin_with_their_placeholders_checked(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("admin:society_broadcasttemplate_add")
    response = client.post(url, {"name": "Lịch tiêm phòng", "body": "Kính gửi {ten}: lịch tiêm phòng."})
    html = response.content.decode()
    assert response.status_code == 200 and "Chỉ dùng được {ho_ten}, {xa}, {ngay}; không có: {ten}." in html
    assert not BroadcastTemplate.objects.exists()
    client.post(url, {"name": "Lịch tiêm phòng", "body": "Kính gửi {ho_ten} ở {xa}: lịch tiêm phòng ngày {ngay}."})
    assert BroadcastTemplate.objects.get().body.startswith("Kính gửi {ho_ten}")

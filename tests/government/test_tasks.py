import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.notifications.models import Notification
from government import services
from government.tasks import remind_overdue_dossiers
from tests.government.conftest import HOUSEHOLD_BUSINESS, pay, submitted

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db
def test_overdue_reminder_once_per_dossier_and_day(citizen, commune_official):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=VN), tick=False):
        dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
        pay(dossier)  # due Thursday 3/12
        services.dossier_claim(dossier=dossier, actor=commune_official)
        assert remind_overdue_dossiers() == 0
    with time_machine.travel(dt.datetime(2026, 12, 4, 7, 30, tzinfo=VN), tick=False):
        assert remind_overdue_dossiers() == 1
        remind_overdue_dossiers()  # a duplicate beat: nothing sent twice
        sent = Notification.objects.filter(event="government.dossier.due_reminder", recipient=commune_official)
        assert sent.count() == 1 and "đã quá hạn" in sent.get().subject
    with time_machine.travel(dt.datetime(2026, 12, 5, 7, 30, tzinfo=VN), tick=False):  # Saturday
        assert remind_overdue_dossiers() == 0

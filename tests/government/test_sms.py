"""The applicant's SMS are short, carry the dossier code and fit one or two messages: 2 × 70
characters in UCS-2 (any Vietnamese diacritic) or 2 × 160 in the GSM alphabet."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.notifications.models import Notification
from government import services
from government.models import ApologySlip, Dossier, DossierEvent
from tests.government.conftest import BIRTH, submitted

pytestmark = pytest.mark.django_db
# The longest codes a real agency gives: a 13-character unit identifier and a five-digit number.
LONG_CODE = "000.00.22.H37-261231-10234"
GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def fits_two_parts(text: str) -> bool:
    return len(text) <= (2 * 160 if set(text) <= GSM else 2 * 70)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("verb", sorted(services.NOTIFY_SUBJECTS))
def test_every_sms_fits_two_messages_and_carries_the_code(citizen, commune_official, verb, language):
    dossier = submitted(citizen, BIRTH)
    Dossier.objects.filter(pk=dossier.pk).update(code=LONG_CODE)
    dossier.refresh_from_db()
    now = timezone.now()
    ApologySlip.objects.create(
        dossier=dossier,
        issued_by=commune_official,
        issued_at=now,
        reason="Hồ sơ cần xác minh thêm thông tin hộ tịch tại xã nơi đăng ký khai sinh trước đây của người mẹ",
        previous_due_date=dt.date(2026, 12, 10),
        new_due_date=dt.date(2026, 12, 24),
    )
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=now,
        verb=verb,
        to_status=Dossier.Status.PROCESSING,
        note="Bổ sung bản sao có chứng thực giấy đăng ký kết hôn của cha mẹ và giấy xác nhận nơi cư trú " * 3,
    )
    with translation.override(language):
        subject = _(services.NOTIFY_SUBJECTS[verb]).format(code=dossier.code)
        text = services.sms_text(dossier, event, subject)
    assert LONG_CODE in text
    assert fits_two_parts(text), (len(text), text)
    if verb == "apologise":
        assert "24/12/2026" in text


def test_the_sms_sent_is_the_short_one_and_the_email_keeps_the_details(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(citizen, BIRTH)
    sms = Notification.objects.get(channel="sms", dedupe_key__startswith=f"government.dossier.{dossier.pk}.")
    email = Notification.objects.get(channel="email", dedupe_key__startswith=f"government.dossier.{dossier.pk}.")
    assert dossier.code in sms.body and fits_two_parts(sms.body)
    assert "Xem chi tiết: http" in email.body and "Xem chi tiết" not in sms.body

"""The demo books (`seed_demo`) are usable as they stand and a second run adds nothing."""

import pytest
from django.core.management import call_command

from government.documents.models import Document, Task
from government.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_demo_documents_and_meeting():
    call_command("seed_demo", scale="small", only=["core.users", "documents"], verbosity=0)
    call_command("seed_demo", scale="small", only=["core.users", "documents"], verbosity=0)
    issued = Document.objects.get(agency__code="ubnd-tinh", direction="out")
    assert issued.status == "issued" and issued.number_symbol.endswith("/QĐ-UBND")
    arrived = Document.objects.get(source=issued)
    assert arrived.status == "received" and arrived.signature_valid is True
    assert Document.objects.filter(agency__code="ubnd-tinh", direction="in").count() == 2
    assert Task.objects.count() == 1 and Meeting.objects.count() == 1
    assert Meeting.objects.get().participants.count() == 4

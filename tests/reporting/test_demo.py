"""The demo reports and API clients (`seed_demo`) are usable as they stand; a second run adds nothing."""

import pytest
from django.core.management import call_command

from core.api_clients.models import ApiClient
from government.reporting.models import Report, ReportPeriod

pytestmark = pytest.mark.django_db


def test_demo_reporting_and_api_clients():
    for _ in range(2):
        call_command("seed_demo", scale="small", only=["core.users", "reporting", "api_clients"], verbosity=0)
    assert ReportPeriod.objects.filter(form__code="cds-xa-hang-thang").count() >= 2
    assert Report.objects.filter(status="submitted").count() <= 1
    client = ApiClient.objects.get(kind="lgsp")
    assert client.keys.count() == 1 and client.owner_agency.code == "so-khcn"
    from core.users.models import User

    assert User.objects.get(email="canbo.so@demo.langson.vn").has_perm("api_clients.manage_api_clients")

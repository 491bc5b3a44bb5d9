"""An e-payment provider's system reports account use through the API (core.api_clients, kind
`economy.epayment_provider`): the same checks as the CSV upload (every bad row by number, nothing
half-applied, a resend changing nothing), a key bound to one provider that cannot report another
provider's accounts, issued by the Department of Industry and Trade only, rate-limited and logged."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.api_clients import services as client_services
from core.api_clients.models import ApiCall
from core.audit.models import AuditLog
from core.errors import ServiceError
from economy.data_services import KIND_EPAYMENT_PROVIDER, SERVICE_EPAYMENT_USE, ProviderBindingForm
from economy.models import EpaymentMonthlyUse
from tests.api_clients.test_api_clients import grant
from tests.conftest import _agency, make_user
from tests.economy.test_households import accounts, registers  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
URL = reverse("economy-api:epayment-use-report")


@pytest.fixture
def trade_admin(db):
    """An administrator of the Department of Industry and Trade, which issues providers' keys."""
    return grant(
        make_user(
            "sct.admin@langson.gov.vn",
            roles=["department_official"],
            full_name="Hoàng Văn Thương",
            agency=_agency("so-cong-thuong"),
            totp=True,
        )
    )


@pytest.fixture
def provider_key(trade_admin, accounts):  # noqa: F811
    """provider_key("Agribank", rate_limit_per_minute=...) -> (client, headers)."""

    def make(provider, **kw):
        client, raw = client_services.client_create(
            actor=trade_admin,
            name=f"Hệ thống báo cáo của {provider}",
            organisation=provider,
            kind=KIND_EPAYMENT_PROVIDER,
            services=[SERVICE_EPAYMENT_USE],
            owner_agency=trade_admin.agency,
            binding={"provider": provider},
            **kw,
        )
        return client, {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}

    return make


def this_month():
    return timezone.localdate().strftime("%Y-%m")


def post(client, headers, rows):
    return client.post(URL, {"rows": rows}, content_type="application/json", **headers)


def test_a_providers_system_reports_use_and_a_resend_changes_nothing(client, provider_key):
    _c, agribank = provider_key("Agribank")
    rows = [
        {"account": "AG-1", "month": this_month(), "transactions": 5},
        {"account": "AG-2", "month": this_month(), "transactions": 0},
    ]
    for _ in range(2):
        response = post(client, agribank, rows)
        assert response.status_code == 200, response.content
        assert response.json() == {"provider": "Agribank", "rows": 2}
    assert sorted(EpaymentMonthlyUse.objects.values_list("account__reference", "transactions")) == [
        ("AG-1", 5),
        ("AG-2", 0),
    ]
    # A correction of a month is a new figure for the same row, not a second row.
    assert post(client, agribank, [{"account": "AG-2", "month": this_month(), "transactions": 7}]).status_code == 200
    assert EpaymentMonthlyUse.objects.get(account__reference="AG-2").transactions == 7
    assert EpaymentMonthlyUse.objects.count() == 2
    log = AuditLog.objects.filter(action="economy.epayment_use.record").latest("id")
    assert log.actor is None and log.actor_label.startswith("api-key:") and log.after["provider"] == "Agribank"
    calls = ApiCall.objects.filter(service=SERVICE_EPAYMENT_USE, path=URL)
    assert calls.count() == 3 and set(calls.values_list("status", flat=True)) == {200}


def test_bad_rows_are_listed_by_number_and_nothing_is_written(client, provider_key):
    _c, agribank = provider_key("Agribank")
    next_month = (timezone.localdate().replace(day=28) + dt.timedelta(days=7)).strftime("%Y-%m")
    rows = [
        {"account": "AG-1", "month": this_month(), "transactions": 5},  # good, but not written alone
        {"account": "AG-9", "month": this_month(), "transactions": 2},
        {"account": "AG-2", "month": next_month, "transactions": 1},
        {"account": "AG-2", "month": "tháng 5", "transactions": -1},
        {"account": "AG-2", "month": this_month(), "transactions": 1.5},
        {"account": "AG-2", "month": this_month(), "transactions": True},
        "AG-2",
        {"account": "AG-1", "month": this_month(), "transactions": 6},
    ]
    response = post(client, agribank, rows)
    assert response.status_code == 400
    lines = response.json()["rows"]
    assert lines[0].startswith("Dòng 2:") and "không có tài khoản nào của Agribank" in lines[0]
    assert lines[1].startswith("Dòng 3:") and "tháng chưa tới" in lines[1]
    assert lines[2].startswith("Dòng 4:") and "2026-11" in lines[2] and "số nguyên không âm" in lines[2]
    assert lines[3].startswith("Dòng 5:") and "số nguyên không âm" in lines[3]
    assert lines[4].startswith("Dòng 6:") and "số nguyên không âm" in lines[4]
    assert lines[5].startswith("Dòng 7:")
    assert lines[6].startswith("Dòng 8:") and "trùng" in lines[6]
    assert not EpaymentMonthlyUse.objects.exists()
    # Not a list of rows, or an empty one: a field error, never a 500.
    for body in ({"rows": "AG-1"}, {"rows": []}, ["AG-1"]):
        response = client.post(URL, body, content_type="application/json", **agribank)
        assert response.status_code == 400 and "rows" in response.json()
    assert not EpaymentMonthlyUse.objects.exists()


def test_english_messages_when_the_client_asks_for_english(client, provider_key):
    _c, agribank = provider_key("Agribank")
    response = client.post(
        URL,
        {"rows": [{"account": "AG-9", "month": this_month(), "transactions": 1}]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **agribank,
    )
    assert response.status_code == 400
    assert response.json()["rows"][0].startswith("Line 1:") and "Agribank" in response.json()["rows"][0]


def test_a_provider_cannot_report_another_providers_accounts(client, provider_key):
    _c, momo = provider_key("MoMo")
    # An attacker holding MoMo's key names Agribank's account AG-2: unknown to MoMo, nothing written.
    response = post(client, momo, [{"account": "AG-2", "month": this_month(), "transactions": 99}])
    assert response.status_code == 400 and "không có tài khoản nào của MoMo" in response.json()["rows"][0]
    # "AG-1" exists at both providers: MoMo's key writes MoMo's account, never Agribank's.
    assert post(client, momo, [{"account": "AG-1", "month": this_month(), "transactions": 4}]).status_code == 200
    assert list(EpaymentMonthlyUse.objects.values_list("account__provider", "account__reference")) == [("MoMo", "AG-1")]
    # A body naming another provider changes nothing: the provider is the key's.
    body = {"provider": "Agribank", "rows": [{"account": "AG-2", "month": this_month(), "transactions": 1}]}
    assert client.post(URL, body, content_type="application/json", **momo).status_code == 400
    assert EpaymentMonthlyUse.objects.count() == 1


def test_keys_that_may_not_report(client, provider_key, trade_admin):
    agribank_client, agribank = provider_key("Agribank")
    rows = [{"account": "AG-1", "month": this_month(), "transactions": 1}]
    assert post(client, {}, rows).status_code in (401, 403)
    assert post(client, {"HTTP_AUTHORIZATION": "Api-Key lsp_not-a-key"}, rows).status_code in (401, 403)
    # A revoked key no longer reports.
    client_services.client_revoke(actor=trade_admin, client=agribank_client)
    assert post(client, agribank, rows).status_code in (401, 403)
    assert not EpaymentMonthlyUse.objects.exists()
    # Only the Department of Industry and Trade issues providers' keys.
    with pytest.raises(ServiceError) as exc:
        client_services.client_check(
            kind_code=KIND_EPAYMENT_PROVIDER, services=[SERVICE_EPAYMENT_USE], owner_agency=_agency("so-khcn")
        )
    assert "kind" in exc.value.errors
    # And the kind is given this service only.
    with pytest.raises(ServiceError):
        client_services.client_check(
            kind_code=KIND_EPAYMENT_PROVIDER, services=["core.admin_units"], owner_agency=trade_admin.agency
        )


def test_the_binding_form_offers_the_providers_the_communes_recorded(accounts):  # noqa: F811
    form = ProviderBindingForm({"provider": "Nobody"}, owner_agency=None)
    assert [value for value, _label in form.fields["provider"].choices] == ["", "Agribank", "MoMo"]
    assert not form.is_valid() and "provider" in form.errors
    assert ProviderBindingForm({"provider": "MoMo"}).is_valid()


def test_the_rate_limit_applies(client, provider_key):
    _c, limited = provider_key("Agribank", rate_limit_per_minute=2)
    rows = [{"account": "AG-1", "month": this_month(), "transactions": 1}]
    assert [post(client, limited, rows).status_code for _ in range(3)] == [200, 200, 429]
    assert ApiCall.objects.filter(service=SERVICE_EPAYMENT_USE, status=429).count() == 1

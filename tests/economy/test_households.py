"""The households register as a commune official keeps it (enter and correct the households of their
own commune only), soft-ATM wallets linked to their household so the household shares count them,
and the e-payment providers' monthly reports of account use (CSV, all rows or none, errors by line)
feeding the "account used in the last 30 days" indicator."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.errors import NotAllowedError, ServiceError
from core.geo.models import AdministrativeUnit as Unit
from core.indicators import registry
from economy.models import AgentStaff, BankSupervisor, EpaymentAccount, EpaymentMonthlyUse, Household, SoftAtmAgent
from economy.services import agents, households, ledger, wallets
from economy.services.households import AccountRow, HouseholdRow
from tests.conftest import make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
A, B = 5977, 6184


def unit(code):
    return Unit.objects.get(structure="2025", level="commune", code=code)


def window():
    end = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return end - dt.timedelta(days=1), end


@pytest.fixture
def registers(department_official):
    a = households.households_register(
        actor=department_official,
        commune=unit(A),
        rows=[
            HouseholdRow(code=f"A{i}", head_name=f"Chủ hộ A{i}", registered_on=dt.date(2025, 1, 1)) for i in range(4)
        ],
    )
    b = households.households_register(
        actor=department_official,
        commune=unit(B),
        rows=[HouseholdRow(code="B1", head_name="Chủ hộ Bí Mật", registered_on=dt.date(2025, 1, 1))],
    )
    return a, b


# --- the commune official's register ------------------------------------------------------------


def test_a_commune_official_enters_and_corrects_households_of_their_commune(client, login, registers, commune_official):
    login(commune_official)
    url = reverse("economy:household-new")
    page = client.get(url).content.decode()
    # Only their own commune is offered.
    assert f'value="{unit(A).pk}"' in page and f'value="{unit(B).pk}"' not in page
    # Bad input: field messages, what was typed is kept, nothing written.
    response = client.post(url, {"commune": unit(A).pk, "code": "A9", "head_name": "X", "head_citizen_id": "12"})
    text = response.content.decode()
    assert response.status_code == 200 and "Nhập họ và tên chủ hộ" in text and 'value="A9"' in text
    assert not Household.objects.filter(code="A9").exists()
    # Entered once, even when the form is sent twice.
    form = {
        "commune": unit(A).pk,
        "code": "a9",
        "head_name": "Lương Thị  Mai",
        "head_citizen_id": "020190001234",
        "village": "Thôn 3",
        "registered_on": "2026-01-05",
    }
    for _ in range(2):
        assert client.post(url, form).status_code == 302
    household = Household.objects.get(commune=unit(A), code="A9")
    assert household.head_name == "Lương Thị Mai" and household.head_citizen_id == "020190001234"
    assert AuditLog.objects.filter(action="economy.households.register", actor=commune_official).count() == 1
    # The same code with another head is refused on the code field.
    response = client.post(url, {**form, "head_name": "Người Khác"})
    assert "đã có trong sổ với chủ hộ khác" in response.content.decode()
    # Corrected on the edit page, audited with before and after.
    edit = reverse("economy:household-edit", args=[household.pk])
    response = client.post(edit, {"head_name": "Lương Thị Mai", "village": "Thôn 4", "head_citizen_id": ""})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.village == "Thôn 4" and household.head_citizen_id == ""
    log = AuditLog.objects.get(action="economy.household.update")
    assert log.actor == commune_official and log.before["village"] == "Thôn 3" and log.after["village"] == "Thôn 4"
    # A bad citizen ID on the edit page: a field message, nothing changed.
    response = client.post(edit, {"head_name": "Lương Thị Mai", "village": "Thôn 9", "head_citizen_id": "abc"})
    assert response.status_code == 200 and 'value="Thôn 9"' in response.content.decode()
    household.refresh_from_db()
    assert household.village == "Thôn 4"


def test_a_commune_official_cannot_see_enter_or_edit_another_communes_households(
    client, login, registers, commune_official, other_commune_official
):
    _a, (b1,) = registers
    login(commune_official)
    listing = client.get(reverse("economy:households")).content.decode()
    assert "Chủ hộ A0" in listing and "Chủ hộ Bí Mật" not in listing
    assert "Chủ hộ Bí Mật" not in client.get(reverse("economy:households") + f"?commune={B}&q=B1").content.decode()
    edit = reverse("economy:household-edit", args=[b1.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"head_name": "Đổi Tên", "village": ""}).status_code == 404
    # Posting another commune into the form is refused on the field; the service refuses it too.
    response = client.post(
        reverse("economy:household-new"), {"commune": unit(B).pk, "code": "B2", "head_name": "Người Lạ"}
    )
    assert response.status_code == 200 and not Household.objects.filter(code="B2").exists()
    with pytest.raises(NotAllowedError):
        households.household_update(
            actor=commune_official, household=b1, head_name="Đổi Tên", village="", head_citizen_id=""
        )
    with pytest.raises(NotAllowedError):
        households.households_register(actor=commune_official, commune=unit(B), rows=[HouseholdRow("B3", "Ai Đó")])
    b1.refresh_from_db()
    assert b1.head_name == "Chủ hộ Bí Mật" and not Household.objects.filter(code__in=["B2", "B3"]).exists()
    # The other commune's official edits it.
    login(other_commune_official)
    assert client.post(edit, {"head_name": "Chủ hộ Đã Sửa", "village": ""}).status_code == 302
    b1.refresh_from_db()
    assert b1.head_name == "Chủ hộ Đã Sửa"


# --- wallets in their household ------------------------------------------------------------------


@pytest.fixture
def atm(db):
    ledger.clear_system_account_cache()
    agent = SoftAtmAgent.objects.create(
        name="Điểm ATM mềm Agribank", commune=unit(A), address="Thôn 1", bank="Agribank", opened_on=dt.date(2024, 1, 1)
    )
    clerk = make_user("clerk@example.vn", full_name="Vi Thị Quầy")
    AgentStaff.objects.create(agent=agent, user=clerk)
    boss = make_user("supervisor@example.vn", full_name="Giám sát Agribank")
    BankSupervisor.objects.create(user=boss, bank="Agribank")
    agents.agent_fund(actor=boss, agent=agent, emoney=20_000_000, cash=5_000_000, idempotency_key="fund")
    return agent, clerk, boss


def test_wallets_are_linked_to_their_household_and_count_in_the_household_share(
    client, login, registers, atm, commune_official
):
    (a0, a1, _a2, _a3), _b = registers
    agent, clerk, _boss = atm
    households.household_update(
        actor=commune_official, household=a0, head_name=a0.head_name, village="", head_citizen_id="020190000001"
    )
    # The head's wallet finds its household by the citizen ID; a member's by the code given.
    head = wallets.wallet_open(
        actor=clerk, citizen_id="020190000001", phone="0911000001", full_name="Chủ Hộ", commune=unit(A), agent=agent
    )
    member = wallets.wallet_open(
        actor=clerk,
        citizen_id="020190000002",
        phone="0911000002",
        full_name="Con Chủ Hộ",
        commune=unit(A),
        agent=agent,
        household_code=" a1 ",
    )
    assert head.household == a0 and member.household == a1
    # An unknown code: a field message, no wallet.
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_open(
            actor=clerk,
            citizen_id="020190000003",
            phone="0911000003",
            full_name="Người Lạ",
            commune=unit(A),
            agent=agent,
            household_code="ZZ9",
        )
    assert "không có mã hộ ZZ9" in exc.value.errors["household_code"][0]
    # A wallet opened before its head was entered is linked when the commune enters the household.
    early = wallets.wallet_open(
        actor=clerk, citizen_id="020190000004", phone="0911000004", full_name="Người Mới", commune=unit(A), agent=agent
    )
    assert early.household is None
    (late,) = households.households_register(
        actor=commune_official,
        commune=unit(A),
        rows=[HouseholdRow("A7", "Người Mới", registered_on=dt.date(2025, 1, 1), head_citizen_id="020190000004")],
    )
    early.refresh_from_db()
    assert early.household == late
    # Only wallets used in the last 30 days count: the head's wallet (a cash-in) makes A0 a paying
    # household, 1 of A's 5.
    start, end = window()
    share = registry.get("economy.households.epayment_share")
    assert share.compute_by_commune(start, end).get(A) == 0.0
    agents.cash_in(actor=clerk, agent=agent, wallet_number=head.number, amount=200_000, idempotency_key="ci")
    assert share.compute_by_commune(start, end)[A] == 20.0
    assert registry.get("economy.epayment_accounts.count").compute_by_commune(start, end)[A] == 1
    login(commune_official)
    page = client.get(reverse("economy:households") + "?q=A0").content.decode()
    assert "Chủ hộ A0" in page and "<td>Có</td>" in page


# --- the providers' reports of account use ---------------------------------------------------------


@pytest.fixture
def accounts(registers, department_official):
    (a0, a1, a2, _a3), _b = registers
    return households.epayment_accounts_open(
        actor=department_official,
        commune=unit(A),
        rows=[
            AccountRow(household=a0, kind="bank", provider="Agribank", opened_on=dt.date(2025, 1, 1), reference="AG-1"),
            AccountRow(household=a1, kind="bank", provider="Agribank", opened_on=dt.date(2025, 1, 1), reference="AG-2"),
            AccountRow(household=a2, kind="ewallet", provider="MoMo", opened_on=dt.date(2025, 1, 1), reference="AG-1"),
        ],
    )


def csv_text(*rows):
    return "ma_tai_khoan,thang,so_giao_dich\n" + "".join(f"{r}\n" for r in rows)


def test_a_providers_report_is_checked_row_by_row_and_nothing_is_half_imported(accounts, atm):
    _agent, _clerk, boss = atm
    this_month = timezone.localdate().strftime("%Y-%m")
    next_month = (timezone.localdate().replace(day=28) + dt.timedelta(days=7)).strftime("%Y-%m")
    bad = csv_text(f"AG-1,{this_month},5", f"AG-9,{this_month},2", f"AG-2,{next_month},1", "AG-2,tháng 5,-1")
    with pytest.raises(ServiceError) as exc:
        households.epayment_use_import_csv(actor=boss, provider="Agribank", text=bad)
    lines = exc.value.errors["file"]
    assert lines[0].startswith("Dòng 3:") and "không có tài khoản nào của Agribank" in lines[0]
    assert lines[1].startswith("Dòng 4:") and "tháng chưa tới" in lines[1]
    assert lines[2].startswith("Dòng 5:") and "2026-11" in lines[2] and "số nguyên không âm" in lines[2]
    assert not EpaymentMonthlyUse.objects.exists()  # the good first row was not written either
    # The same account and month twice is refused too.
    with pytest.raises(ServiceError) as exc:
        households.epayment_use_import_csv(
            actor=boss, provider="Agribank", text=csv_text(f"AG-1,{this_month},5", f"AG-1,{this_month},6")
        )
    assert "Dòng 3:" in exc.value.errors["file"][0] and "trùng" in exc.value.errors["file"][0]
    # A good report: counted as used, and sent again it changes nothing.
    start, end = window()
    used = registry.get("economy.epayment_accounts.count")
    assert used.compute_by_commune(start, end) == {}
    good = csv_text(f"AG-1,{this_month},5", f"AG-2,{this_month},0")
    for _ in range(2):
        assert households.epayment_use_import_csv(actor=boss, provider="Agribank", text=good) == 2
    assert EpaymentMonthlyUse.objects.count() == 2
    assert used.compute_by_commune(start, end) == {A: 1}  # AG-2 reported no payment
    assert registry.get("economy.households.epayment_share").compute_by_commune(start, end)[A] == 25.0
    log = AuditLog.objects.filter(action="economy.epayment_use.record").latest("id")
    assert log.actor == boss and log.after["provider"] == "Agribank"


def test_a_provider_reports_only_its_own_accounts(client, login, accounts, atm, commune_official, department_official):
    this_month = timezone.localdate().strftime("%Y-%m")
    momo = make_user("momo@example.vn", full_name="Nhân viên MoMo")
    BankSupervisor.objects.create(user=momo, bank="MoMo")
    # MoMo's "AG-1" is its own account, not Agribank's account of the same code.
    assert households.epayment_use_import_csv(actor=momo, provider="MoMo", text=csv_text(f"AG-1,{this_month},3")) == 1
    assert EpaymentMonthlyUse.objects.get().account.provider == "MoMo"
    for person in (momo, commune_official):
        with pytest.raises(NotAllowedError):
            households.epayment_use_import_csv(actor=person, provider="Agribank", text=csv_text(f"AG-2,{this_month},3"))
    assert EpaymentMonthlyUse.objects.count() == 1
    # The page (linked from the supervisor's page): a provider's staff sees only its own provider;
    # line errors are shown; others get 403.
    login(momo)
    url = reverse("economy:epayment-use-import")
    assert url in client.get(reverse("economy:supervision")).content.decode()
    page = client.get(url).content.decode()
    assert 'value="MoMo"' in page and 'value="Agribank"' not in page
    upload = SimpleUploadedFile("r.csv", csv_text("XX-1,2026-01,3").encode(), content_type="text/csv")
    response = client.post(url, {"provider": "MoMo", "file": upload})
    assert response.status_code == 200 and "Dòng 2:" in response.content.decode()
    upload = SimpleUploadedFile("r.csv", csv_text(f"AG-2,{this_month},3").encode(), content_type="text/csv")
    assert client.post(url, {"provider": "Agribank", "file": upload}).status_code == 200
    assert EpaymentMonthlyUse.objects.count() == 1
    login(department_official)
    assert 'value="Agribank"' in client.get(url).content.decode()
    login(commune_official)
    assert client.get(url).status_code == 403
    assert EpaymentAccount.objects.filter(provider="Agribank", reference="AG-1").exists()

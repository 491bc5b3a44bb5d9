"""The soft ATM's pages, as the people at the counter, the customer on a phone, the bank's supervisor
and the public see them: who may open what, what each sees, and bad input answered on the form
with what was typed kept."""

import datetime as dt
import re

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from economy.models import LedgerTransaction, Reconciliation, Wallet
from economy.services import agents, wallets
from tests.conftest import make_user
from tests.economy.test_soft_atm import atm, commune, customers, sms_code  # noqa: F401 - fixtures

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


def test_counter_is_only_for_the_agents_staff(client, login, atm, outsider):  # noqa: F811
    url = reverse("economy:counter")
    assert client.get(url).status_code == 302  # to the login page
    login(outsider)
    assert client.get(url).status_code == 403
    assert client.get(reverse("economy:supervision")).status_code == 403
    _agent, clerk, boss = atm
    login(clerk)
    assert client.get(url).status_code == 200
    login(boss)
    assert client.get(reverse("economy:supervision")).status_code == 200


def test_cash_in_and_cash_out_at_the_counter(client, login, atm, customers):  # noqa: F811
    _agent, clerk, _boss = atm
    w1, _w2 = customers
    login(clerk)
    url = reverse("economy:counter")
    page = client.get(url).content.decode()
    key = re.search(r'name="in-idempotency_key" value="([0-9a-f]+)"', page).group(1)
    post = {"action": "cash_in", "in-wallet": w1.number, "in-amount": "500.000", "in-idempotency_key": key}
    response = client.post(url, post, follow=True)
    assert "Đã nộp 500.000 đ vào ví" in response.content.decode()
    client.post(url, post)  # a double submit: same key, nothing more
    assert LedgerTransaction.objects.filter(kind="cash_in").count() == 1
    w1.account.refresh_from_db()
    assert w1.account.balance == 500_000

    bad = client.post(
        url, {"action": "cash_out", "out-wallet": "9123", "out-amount": "abc", "out-idempotency_key": "k"}
    )
    text = bad.content.decode()
    assert bad.status_code == 200 and "Nhập số tiền là số nguyên" in text and 'value="9123"' in text
    bad = client.post(
        url, {"action": "cash_out", "out-wallet": "9123", "out-amount": "1000", "out-idempotency_key": "k"}
    )
    assert "Không tìm thấy ví số 9123." in bad.content.decode()

    response = client.post(
        url, {"action": "cash_out", "out-wallet": w1.number, "out-amount": "200000", "out-idempotency_key": "k2"}
    )
    confirm = response["Location"]
    assert client.post(confirm, {"code": "12345"}).status_code == 200  # too short: a field message
    page = client.post(confirm, {"code": sms_code(w1)}, follow=True).content.decode()
    assert "Đã chi 200.000 đ tiền mặt" in page
    page = client.post(confirm, {"code": sms_code(w1)}).content.decode()
    assert "đã được dùng" in page
    w1.account.refresh_from_db()
    assert w1.account.balance == 300_000


def test_the_counter_lists_the_cash_outs_waiting_for_their_code(client, login, atm, customers):  # noqa: F811
    from economy.models import AgentStaff, SoftAtmAgent

    agent, clerk, _boss = atm
    w1, _w2 = customers
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=500_000, idempotency_key="ci")
    waiting = agents.cash_out_request(
        actor=clerk, agent=agent, wallet_number=w1.number, amount=200_000, idempotency_key="co"
    )
    login(clerk)
    page = client.get(reverse("economy:counter")).content.decode()
    # A clerk who left the confirmation page finds the way back to it at the counter.
    listed = re.search(r'<ul data-testid="pending-cash-outs">(.*?)</ul>', page, re.S).group(1)
    assert w1.number in listed and "200.000 đ" in listed
    assert reverse("economy:counter-confirm", args=[waiting.pk]) in listed
    # Another agent's clerk does not see it.
    other = SoftAtmAgent.objects.create(
        name="Điểm ATM mềm khác", commune=agent.commune, address="x", bank="Agribank", opened_on=dt.date(2024, 1, 1)
    )
    stranger = make_user("quay2@example.vn", full_name="Quầy Khác")
    AgentStaff.objects.create(agent=other, user=stranger)
    login(stranger)
    page = client.get(reverse("economy:counter")).content.decode()
    # (An agent not funded yet: its counter shows zero, and showing it writes nothing.)
    assert 'data-testid="pending-cash-outs"' not in page and 'data-testid="agent-float">0 đ' in page
    # Paid out, or expired: no longer waiting.
    login(clerk)
    client.post(reverse("economy:counter-confirm", args=[waiting.pk]), {"code": sms_code(w1)})
    assert 'data-testid="pending-cash-outs"' not in client.get(reverse("economy:counter")).content.decode()
    late = agents.cash_out_request(
        actor=clerk, agent=agent, wallet_number=w1.number, amount=100_000, idempotency_key="co-2"
    )
    type(late).objects.filter(pk=late.pk).update(expires_at=late.created_at)
    assert 'data-testid="pending-cash-outs"' not in client.get(reverse("economy:counter")).content.decode()


def test_citizen_opens_a_wallet_and_transfers_on_a_phone(client, login, atm, citizen, citizen2):  # noqa: F811
    agent, clerk, _boss = atm
    login(citizen)
    url = reverse("economy:wallet")
    page = client.get(url).content.decode()
    assert citizen.citizen_id in page  # KYC prefilled from the account
    client.post(
        url,
        {
            "full_name": citizen.full_name,
            "citizen_id": citizen.citizen_id,
            "phone": citizen.phone,
            "commune": commune().pk,
        },
    )
    own = Wallet.objects.get(user=citizen)
    other = wallets.wallet_open(
        actor=clerk,
        citizen_id=citizen2.citizen_id,
        phone=citizen2.phone,
        full_name="Lương Thị Hoa",
        commune=commune(),
        agent=agent,
    )
    agents.cash_in(actor=clerk, agent=agent, wallet_number=own.number, amount=100_000, idempotency_key="ci")
    page = client.post(url, {"to_wallet": other.number, "amount": "150000", "idempotency_key": "t1"}).content.decode()
    assert "Số dư ví không đủ để chuyển 150.000 đ." in page and 'value="150000"' in page
    page = client.post(
        url, {"to_wallet": other.number, "amount": "40000", "idempotency_key": "t2"}, follow=True
    ).content.decode()
    assert "Đã chuyển 40.000 đ" in page and "60.000 đ" in page
    # Another signed-in person sees only their own (empty) wallet page.
    login(citizen2)
    page = client.get(url).content.decode()
    assert own.number not in page


def _rings(path: str) -> list[list[tuple[int, int]]]:
    """The rings of an SVG path as core.geo.maps writes it (M x y L x y … Z)."""
    return [
        [tuple(map(int, xy.split())) for xy in ring.lstrip("M").split("L")] for ring in path.split("Z") if ring.strip()
    ]


def test_public_map_draws_the_province_its_communes_and_who_can_pay_out(client, atm):  # noqa: F811
    from django.contrib.gis.geos import Polygon

    from core.geo.models import AdministrativeUnit

    agent, _clerk, _boss = atm
    type(agent).objects.filter(pk=agent.pk).update(
        location=Point(106.76, 21.85), opens_at=dt.time(0, 0), closes_at=dt.time(23, 59, 59)
    )
    page = client.get(reverse("economy:agents")).content.decode()  # no login
    assert "<script" not in page  # drawn on the server: nothing to run in the browser
    svg = re.search(r'<svg viewBox="0 0 1000 (\d+)" role="img"[^>]*>(.*?)</svg>', page, re.S)
    assert svg, "the map is in the page"
    body = svg.group(2)
    # Titled and described for screen readers; the points are also listed as text below it.
    assert '<title id="agent-map-title">Bản đồ các điểm ATM mềm trong tỉnh Lạng Sơn</title>' in body
    assert "65 xã, phường; 1 điểm ATM mềm của trang này, 1 điểm đang chi được tiền mặt" in body
    assert 'id="agent-' in page.split("</figure>")[1] and "Điểm ATM mềm Agribank Chi Lăng" in page
    # The province's outline: one closed ring of hundreds of points inside the drawing.
    outline = re.search(r'<path class="map-outline" d="([^"]+)"', body).group(1)
    (ring,) = [r for r in _rings(outline) if len(r) > 100]
    height = int(svg.group(1))
    assert all(0 <= x <= 1000 and 0 <= y <= height for x, y in ring)
    # Every commune and ward drawn with its full name as its title, its short name printed; the
    # former districts' names for small screens.
    communes = re.findall(r'<path d="([^"]+)"><title>([^<]+)</title></path>', body)
    assert len(communes) == 65 and "Phường Đông Kinh" in {n: p for p, n in communes}
    printed = re.findall(r"<text [^>]*>([^<]+)</text>", body)
    assert {"Đông Kinh", "Chi Lăng", "Hữu Lũng", "Đình Lập", "Tràng Định", "Bắc Sơn"} <= set(printed)
    # The agent's point lies inside the commune PostGIS puts it in, on the drawing as well.
    home = AdministrativeUnit.objects.get(structure="2025", level="commune", geometry__contains=Point(106.76, 21.85))
    x, y = map(float, re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="8" class="point-ok"', body).groups())
    shape = {n: p for p, n in communes}[home.name]
    assert any(Polygon([*r, r[0]]).contains(Point(x, y)) for r in _rings(shape))
    # Filtered by a commune: that commune is shaded on the map (and only it).
    page = client.get(reverse("economy:agents") + f"?commune={home.code}").content.decode()
    shaded = re.findall(r'<path d="[^"]+" class="selected"><title>([^<]+)</title>', page)
    assert shaded == [home.name]
    assert "đang chi được tiền mặt" in body


def test_supervisor_resolves_a_flagged_day(client, login, atm):  # noqa: F811
    agent, _clerk, boss = atm
    from django.utils import timezone

    row = agents.reconcile_agent_day(agent_id=agent.pk, day=timezone.localdate())
    assert row.status == "flagged"
    login(boss)
    assert agent.name in client.get(reverse("economy:supervision")).content.decode()
    url = reverse("economy:reconciliation-resolve", args=[row.pk])
    assert "Ghi rõ cách xử lý" in client.post(url, {"resolution": "ok"}).content.decode()
    client.post(url, {"resolution": "Đại lý quên khai báo, đã kiểm quỹ đủ"})
    assert Reconciliation.objects.get(pk=row.pk).status == "resolved"


def test_the_supervisor_reverses_a_wrong_cash_in_with_a_reason(client, login, atm, customers, citizen, outsider):  # noqa: F811
    from core.audit.models import AuditLog
    from economy.models import BankSupervisor
    from economy.selectors import ledger_drift

    agent, clerk, boss = atm
    w1, w2 = customers
    wrong = agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=300_000, idempotency_key="ci")
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w2.number, amount=100_000, idempotency_key="ci2")
    login(boss)
    page = client.get(reverse("economy:supervision-transactions") + f"?ref={wrong.reference}").content.decode()
    assert wrong.reference in page and "GD" in page
    url = reverse("economy:transaction-reverse", args=[wrong.pk])
    page = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    # A reason is required: field-level message, nothing written.
    response = client.post(url, {"reason": "nhầm", "idempotency_key": key})
    assert "ít nhất 10 ký tự" in response.content.decode() and not LedgerTransaction.objects.filter(kind="reversal")
    # Reversed once, even when the form is sent twice.
    for _ in range(2):
        response = client.post(url, {"reason": "Nhân viên nộp nhầm ví của khách", "idempotency_key": key})
        assert response.status_code == 302
    reversal = LedgerTransaction.objects.get(kind="reversal")
    assert reversal.reversal_of_id == wrong.pk and "nộp nhầm ví" in reversal.description
    w1.account.refresh_from_db()
    assert w1.account.balance == 0
    log = AuditLog.objects.get(action="economy.ledger.reversal")
    assert log.actor == boss and log.after["reversal_of"] == wrong.pk
    # Another key, the same operation: refused with a message on the form.
    response = client.post(url, {"reason": "Đảo thêm một lần nữa", "idempotency_key": "other"})
    assert response.status_code == 200 and "đã được đảo" in response.content.decode()
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1
    assert ledger_drift()["total"] == 0 and ledger_drift()["usage"] == []
    # Another bank's supervisor, the clerk and a citizen cannot reach it.
    other = make_user("vcb@example.vn", full_name="Giám sát VCB")
    BankSupervisor.objects.create(user=other, bank="Vietcombank")
    for person, status in ((other, 404), (clerk, 403), (citizen, 403), (outsider, 403)):
        login(person)
        assert client.get(url).status_code == status, person
        assert client.post(url, {"reason": "Thử đảo giao dịch này", "idempotency_key": "x"}).status_code == status
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1

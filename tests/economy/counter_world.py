"""One soft-ATM counter as the browser tests meet it: a commune's agent point with its clerk, the
bank's supervisor, the agent funded by the bank, a signed-in customer with a wallet and a second
customer whose wallet the clerk opened. Built through the services, as a real day would be."""

import datetime as dt

from tests.conftest import make_user


def counter_world(*, agent_fields: dict | None = None, emoney: int, cash: int) -> dict:
    from core.geo.models import AdministrativeUnit
    from economy.models import AgentStaff, BankSupervisor, SoftAtmAgent
    from economy.services import agents, wallets

    unit = AdministrativeUnit.objects.get(structure="2025", level="commune", code=5977)
    citizen = make_user(
        "dan@example.vn",
        roles=["citizen"],
        full_name="Hoàng Văn Dân",
        phone="0912345678",
        citizen_id="020090000123",
        admin_unit=unit,
    )
    clerk = make_user("quay@example.vn", full_name="Vi Thị Quầy")
    boss = make_user("giamsat@example.vn", full_name="Giám sát Agribank")
    agent = SoftAtmAgent.objects.create(
        commune=unit,
        bank="Agribank",
        opened_on=dt.date(2024, 1, 1),
        **{"name": "Điểm ATM mềm Agribank Đông Kinh", "address": "Số 1 Lê Lợi", **(agent_fields or {})},
    )
    AgentStaff.objects.create(agent=agent, user=clerk)
    BankSupervisor.objects.create(user=boss, bank="Agribank")
    agents.agent_fund(actor=boss, agent=agent, emoney=emoney, cash=cash, idempotency_key="fund")
    own = wallets.wallet_open(
        actor=citizen,
        citizen_id=citizen.citizen_id,
        phone=citizen.phone,
        full_name=citizen.full_name,
        commune=unit,
        user=citizen,
    )
    other = wallets.wallet_open(
        actor=clerk,
        citizen_id="020195000456",
        phone="0987654321",
        full_name="Lương Thị Hoa",
        commune=unit,
        agent=agent,
    )
    return {"unit": unit, "citizen": citizen, "clerk": clerk, "boss": boss, "agent": agent, "own": own, "other": other}

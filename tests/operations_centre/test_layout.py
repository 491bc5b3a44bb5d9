"""The operations centre's one home (ADR 1002): its old addresses still lead to it, and the border
gate's live panel reaches it through the registry (registered by the pillar, shown by the operations
centre), not through code of the operations centre or of core that knows about crossings."""

import json
import re

import pytest
from django.urls import reverse

from core.indicators import registry
from tests.operations_centre.test_dashboard import DASHBOARD, figures  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "old, new",
    [
        ("/government/ioc/", DASHBOARD),
        ("/government/ioc/?period=30d&indicator=test.share", f"{DASHBOARD}?period=30d&indicator=test.share"),
        ("/government/ioc/commune/6184/export.xlsx", f"{DASHBOARD}commune/6184/export.xlsx"),
        ("/government/ioc/open-data/indicators.csv", reverse("operations_centre:public-csv")),
        ("/government/ioc/dti/2026/3.1/", reverse("operations_centre:dti-entry", args=[2026, "3.1"])),
    ],
)
def test_a_bookmark_of_an_old_address_still_opens_the_page(client, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new


def test_the_old_public_statistics_address_ends_on_the_page(client):
    response = client.get("/government/ioc/open-data/", follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("operations_centre:public")


def test_a_form_posted_to_an_old_address_is_posted_again_to_the_new_one(client, login, province_leader):
    login(province_leader)
    response = client.post("/government/ioc/refresh/border_gate.backlog/")
    assert response.status_code == 308  # method and body kept: the refresh is not lost
    assert response["Location"] == reverse("operations_centre:refresh", args=["border_gate.backlog"])


def test_the_border_gate_registers_its_live_panel_like_its_indicators():
    panel = registry.get_panel("border_gate.crossings")
    assert panel.pillar == "border_gate" and panel.live_url_name == "border_gate:live-json"
    assert [c.key for c in panel.live_columns] == ["name", "waiting", "cleared_today", "expected_outside"]
    assert panel.group_names()["huu-nghi"] == "Cửa khẩu quốc tế Hữu Nghị"


def test_the_dashboard_shows_the_registered_panel_with_its_live_feed(client, login, province_leader, figures):  # noqa: F811
    login(province_leader)
    page = client.get(DASHBOARD).content.decode()
    assert "Cửa khẩu — trực tiếp" in page
    assert f'data-live-url="{reverse("border_gate:live-json")}"' in page
    panel_url = reverse("operations_centre:panel", args=["border_gate.crossings"])
    assert f'data-panel-url="{panel_url}"' in page
    live = json.loads(re.search(r'<script id="border_gate.crossings" type="application/json">(.*?)</script>', page)[1])
    assert [c["label"] for c in live["columns"]] == [
        "Cửa khẩu",
        "Xe đang chờ",
        "Đã thông quan hôm nay",
        "Xe chưa vào bãi",
    ]
    # the snapshot table of the panel: the crossing's name, the value and the band the pillar gives it
    assert "Cửa khẩu quốc tế Hữu Nghị — Xe chờ" in page and "band orange" in page


def test_a_commune_official_sees_no_province_panel(client, login, commune_official, figures):  # noqa: F811
    login(commune_official)
    assert "Cửa khẩu — trực tiếp" not in client.get(DASHBOARD).content.decode()


def test_an_unknown_panel_is_not_found(client, login, province_leader):
    login(province_leader)
    assert client.get(reverse("operations_centre:panel", args=["nope"])).status_code == 404

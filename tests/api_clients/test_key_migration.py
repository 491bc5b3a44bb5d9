"""The border gate's keys issued before the move keep working after the data migration
(border_gate 0006): same secret, same binding (crossing, yards), scopes as data services."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

BEFORE = [("border_gate", "0005_driver_language")]
AFTER = [("border_gate", "0006_api_clients")]


@pytest.mark.django_db(transaction=True)
def test_an_old_yard_key_still_reads_after_the_move(client):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    old_key_model = old_apps.get_model("border_gate", "ApiKey")
    Crossing = old_apps.get_model("border_gate", "Crossing")
    Yard = old_apps.get_model("border_gate", "Yard")
    crossing = Crossing.objects.get(code="huu-nghi")
    raw = "bg_0a1b2c3d.old-secret-issued-in-2025"
    key = old_key_model.objects.create(
        organisation="Công ty CP Xuân Cương",
        kind="yard_operator",
        crossing=crossing,
        scopes=["entries:read", "yard:write"],
        prefix="0a1b2c3d",
        key_hash=hashlib.sha256(raw.encode()).hexdigest(),
    )
    key.yards.set([Yard.objects.get(code="huu-nghi-xuan-cuong")])
    revoked = old_key_model.objects.create(
        organisation="Bãi cũ",
        kind="customs",
        crossing=crossing,
        scopes=["entries:read"],
        prefix="99999999",
        key_hash=hashlib.sha256(b"bg_99999999.x").hexdigest(),
        is_active=False,
    )

    try:
        MigrationExecutor(connection).migrate(AFTER)
        MigrationExecutor(connection).loader.build_graph()
        from core.api_clients.models import ApiClient

        moved = ApiClient.objects.get(keys__prefix="0a1b2c3d")
        assert moved.services == ["border_gate.entries", "border_gate.yard_events"]
        assert moved.kind == "border_gate.yard_operator" and moved.owner_agency.code == "huu-nghi-gate_board"
        assert [y.code for y in moved.border_gate_binding.yards.all()] == ["huu-nghi-xuan-cuong"]
        url = reverse("border_gate-api:entries")
        assert client.get(url, HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200
        assert client.get(url, HTTP_AUTHORIZATION="Api-Key bg_99999999.x").status_code == 401
        assert not ApiClient.objects.get(keys__prefix=revoked.prefix).is_active
    finally:
        call_command("migrate", verbosity=0)

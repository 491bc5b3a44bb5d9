"""Prepare the operations-centre benchmark (idempotent): province-scale demo data of the party,
economy and society pillars, a year of daily snapshots and a week of hourly ones computed by the real
snapshot job, and a province-leader account with TOTP (officials must have it to open the dashboard).

Usage: .venv/bin/python bench/operations_centre/setup.py [days] [hours]
"""

import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402

from core.indicators.models import IndicatorSnapshot  # noqa: E402
from core.indicators.services import snapshot_backfill  # noqa: E402
from core.users.models import User  # noqa: E402

EMAIL = "bench.leader@langson.gov.vn"
days = int(sys.argv[1]) if len(sys.argv) > 1 else 365
hours = int(sys.argv[2]) if len(sys.argv) > 2 else 168

started = time.perf_counter()
call_command("load_reference_data", verbosity=0)
call_command("seed_demo", scale="province", only=["party", "economy", "society"], verbosity=1)
snapshot_backfill(frequency="daily", periods=days, log=print)
snapshot_backfill(frequency="hourly", periods=hours, log=print)
user, created = User.objects.get_or_create(email=EMAIL, defaults={"full_name": "Lãnh đạo (benchmark)"})
if created:
    user.set_unusable_password()
    user.save()
user.groups.add(Group.objects.get(name="province_leader"))
from allauth.mfa.models import Authenticator  # noqa: E402

if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
print(
    f"snapshots: {IndicatorSnapshot.objects.count():,} rows; leader {EMAIL}; "
    f"setup took {time.perf_counter() - started:.0f} s"
)

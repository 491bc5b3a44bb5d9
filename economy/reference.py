"""Reference data of the digital economy pillar: wallet limits and agent commissions, loaded
idempotently from `economy/reference/limits.v1.json` by `manage.py load_reference_data`.
Rows are keyed by (operation, valid_from): the file's values win, so a corrected file corrects
the rule; a new rule is a new row with a later date (history kept)."""

import datetime as dt
import json
from pathlib import Path

from core.management.commands.load_reference_data import register_reference_loader

LIMITS_FILE = Path(__file__).resolve().parent / "reference" / "limits.v1.json"


@register_reference_loader
def load(stdout=None):
    from economy.models import CommissionRule, LimitRule

    data = json.loads(LIMITS_FILE.read_text(encoding="utf-8"))
    for row in data["limits"]:
        LimitRule.objects.update_or_create(
            operation=row["operation"],
            valid_from=dt.date.fromisoformat(row["valid_from"]),
            defaults={k: row[k] for k in ("per_transaction", "per_day", "per_month", "source")},
        )
    for row in data["commissions"]:
        CommissionRule.objects.update_or_create(
            operation=row["operation"],
            valid_from=dt.date.fromisoformat(row["valid_from"]),
            defaults={k: row[k] for k in ("rate_bp", "minimum", "maximum")},
        )
    # The bank's own ledger accounts exist before the first operation needs them.
    from economy.services import ledger

    for code in ledger.SYSTEM_ACCOUNTS:
        ledger.system_account(code)
    if stdout:
        stdout.write(f"economy: {len(data['limits'])} limit rules, {len(data['commissions'])} commission rules")

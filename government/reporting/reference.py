"""Loads the report forms (forms as data) from the versioned file in government/reporting/reference/
(idempotent): a form and its indicators are created or updated by code; indicators dropped from the
file are kept (past reports name them) but a form missing from the file stops being active."""

import json
from pathlib import Path

from core.management.commands.load_reference_data import register_reference_loader

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@register_reference_loader
def load(stdout=None) -> None:
    from core.agencies.models import Agency
    from government.reporting.models import ReportForm, ReportIndicator

    data = json.loads((REFERENCE_DIR / "forms.v1.json").read_text(encoding="utf-8"))
    seen = []
    for row in data["forms"]:
        owner = Agency.objects.filter(code=row["owner_agency"]).first()
        if owner is None:
            continue
        form, _created = ReportForm.objects.update_or_create(
            code=row["code"],
            defaults={
                "title": row["title"],
                "legal_basis": row.get("legal_basis", ""),
                "frequency": row["frequency"],
                "submitters": row["submitters"],
                "owner_agency": owner,
                "due_days": row.get("due_days", 5),
                "is_active": True,
                "reference_version": data["version"],
            },
        )
        for position, ind in enumerate(row["indicators"]):
            ReportIndicator.objects.update_or_create(
                form=form,
                code=ind["code"],
                defaults={
                    "label": ind["label"],
                    "unit": ind.get("unit", ""),
                    "kind": ind["kind"],
                    "required": ind.get("required", True),
                    "min_value": ind.get("min"),
                    "max_value": ind.get("max"),
                    "choices": ind.get("choices", []),
                    "help_text": ind.get("help", ""),
                    "aggregate": ind.get("aggregate", "sum"),
                    "position": position,
                },
            )
        seen.append(form.code)
    ReportForm.objects.exclude(code__in=seen).update(is_active=False)
    if stdout is not None:
        stdout.write(f"reporting: {len(seen)} report forms")

"""Loads the land platform's reference data (idempotent): the land-use code list and the minimum
split-area rules, from the versioned files in government/land/reference/ (sources in SOURCES.md)."""

import json
from pathlib import Path

from core.management.commands.load_reference_data import register_reference_loader

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@register_reference_loader
def load(stdout=None) -> None:
    from government.land.models import LandUseCode, SplitRule

    codes = json.loads((REFERENCE_DIR / "land-use-codes.json").read_text(encoding="utf-8"))
    seen = []
    for order, row in enumerate(codes["codes"]):
        source = codes["source"]
        LandUseCode.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "group": row["group"],
                "residential": bool(row.get("residential")),
                "legal_source": source[:300],
                "sort_order": order,
                "is_active": True,
            },
        )
        seen.append(row["code"])
    # Parcels keep pointing at a code that left the list: deactivate, never delete.
    LandUseCode.objects.exclude(code__in=seen).update(is_active=False)

    rules = json.loads((REFERENCE_DIR / "split-rules.json").read_text(encoding="utf-8"))
    kept = []
    for row in rules["rules"]:
        rule, _created = SplitRule.objects.update_or_create(
            land_use_id=row["land_use"],
            unit_kind=row["unit_kind"],
            defaults={"min_area_m2": row["min_area_m2"], "legal_source": rules["source"][:300]},
        )
        kept.append(rule.pk)
    SplitRule.objects.exclude(pk__in=kept).delete()
    if stdout is not None:
        stdout.write(f"land: {len(seen)} land-use codes, {len(kept)} split rules")

"""Reference data of the border gate (crossings, yards, default pipelines, the fee tariff), loaded
idempotently from the versioned files in `border_gate/reference/` by `manage.py load_reference_data`.

Rules: create what is missing; refresh rows whose confidence is not `found` (placeholders follow
the files); never overwrite a value an administrator confirmed (`found`) or a step they edited."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from core.management.commands.load_reference_data import register_reference_loader

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
CROSSINGS_FILE = "crossings.v1.json"
STEPS_FILE = "steps.v1.json"
FEES_FILE = "fees.v1.json"


def _read(name: str) -> dict:
    return json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))


@register_reference_loader
def load(stdout=None):
    from border_gate.models import (
        Confidence,
        Crossing,
        FeeMultiplier,
        FeeRate,
        FeeTariff,
        FeeVehicleClass,
        StepDefinition,
        Yard,
    )

    crossings = _read(CROSSINGS_FILE)["crossings"]
    n_yards = 0
    for row in crossings:
        crossing, _created = Crossing.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "counterpart": row["counterpart"],
                "position": row["position"],
                "hourly_capacity": row["hourly_capacity"],
                "source": row["source"],
            },
        )
        for y in row["yards"]:
            yard = Yard.objects.filter(code=y["code"]).first()
            fields = {k: y[k] for k in ("name", "operator", "kind", "capacity", "confidence", "source")}
            if yard is None:
                Yard.objects.create(crossing=crossing, code=y["code"], **fields)
            elif yard.confidence != Confidence.FOUND:
                # Placeholders follow the file; a value confirmed as found (by the file or by an
                # administrator) stays.
                for k, v in fields.items():
                    setattr(yard, k, v)
                yard.save()
            n_yards += 1

    pipelines = _read(STEPS_FILE)["pipelines"]
    n_steps = 0
    for crossing in Crossing.objects.all():
        for direction, steps in pipelines.items():
            if StepDefinition.objects.filter(crossing=crossing, direction=direction).exists():
                # The crossing's pipeline is configured (maybe edited): leave it alone, but give
                # steps that have no Chinese name yet the file's (added after the first load).
                for s in steps:
                    StepDefinition.objects.filter(
                        crossing=crossing, direction=direction, code=s["code"], name_zh=""
                    ).update(name_zh=s.get("name_zh", ""))
                continue
            for position, s in enumerate(steps, start=1):
                StepDefinition.objects.create(
                    crossing=crossing,
                    direction=direction,
                    position=position * 10,
                    code=s["code"],
                    name=s["name"],
                    name_en=s["name_en"],
                    name_zh=s.get("name_zh", ""),
                    force=s["force"],
                    condition=s["condition"],
                    data_kind=s["data_kind"],
                    requires_call=s.get("requires_call", False),
                )
                n_steps += 1

    fees = _read(FEES_FILE)
    t = fees["tariff"]
    tariff, _created = FeeTariff.objects.get_or_create(
        code=t["code"],
        defaults={
            "title": t["title"],
            "effective_from": datetime.date.fromisoformat(t["effective_from"]),
            "source": t["source"],
        },
    )
    classes = {}
    for position, c in enumerate(fees["vehicle_classes"]):
        classes[c["code"]], _created = FeeVehicleClass.objects.update_or_create(
            code=c["code"],
            defaults={
                "label": c["label"],
                "position": position,
                "min_weight_kg": c.get("min_weight_kg"),
                "max_weight_kg": c.get("max_weight_kg"),
                "container_size_ft": c.get("container_size_ft"),
            },
        )
    found = {(f["regime"], f["goods_group"], f["vehicle_class"]): f for f in fees["found_cells"]}
    for regime, groups in fees["rates"].items():
        for group, amounts in groups.items():
            for code, amount in zip(fees["columns"], amounts, strict=True):
                f = found.get((regime, group, code))
                values = {
                    "amount_vnd": f["amount_vnd"] if f else amount,
                    "confidence": Confidence.FOUND if f else Confidence.PLACEHOLDER,
                    "source": f["source"] if f else "placeholder: set from the official text of the resolution",
                }
                rate = FeeRate.objects.filter(
                    tariff=tariff, regime=regime, goods_group=group, vehicle_class=classes[code]
                ).first()
                if rate is None:
                    FeeRate.objects.create(
                        tariff=tariff, regime=regime, goods_group=group, vehicle_class=classes[code], **values
                    )
                elif rate.confidence != Confidence.FOUND:
                    for k, v in values.items():
                        setattr(rate, k, v)
                    rate.save()
    for m in fees["multipliers"]:
        FeeMultiplier.objects.get_or_create(
            tariff=tariff,
            code=m["code"],
            defaults={"factor": Decimal(m["factor"]), "confidence": m["confidence"], "source": m["source"]},
        )
    if stdout is not None:
        stdout.write(
            f"border_gate: {len(crossings)} crossings, {n_yards} yards, {n_steps} new steps, "
            f"{FeeRate.objects.filter(tariff=tariff).count()} fee rates"
        )

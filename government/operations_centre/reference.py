"""Reference data of the operations centre (sources in reference/SOURCES.md), idempotent:

- targets.json → IndicatorTarget rows (a row edited by hand in the admin — reference_version blank —
  is never overwritten);
- dti-*.json → the DTI framework tree (nodes updated in place by code, so entered values survive an
  update of the file; a node dropped from the file is deleted only if no value was entered for it).
"""

import json
from datetime import date
from pathlib import Path

from core.management.commands.load_reference_data import register_reference_loader

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def load_targets(stdout=None) -> int:
    from government.operations_centre.models import IndicatorTarget

    data = json.loads((REFERENCE_DIR / "targets.json").read_text(encoding="utf-8"))
    version = data["version"]
    written = 0
    for row in data["targets"]:
        existing = IndicatorTarget.objects.filter(indicator_code=row["indicator"], year=row["year"]).first()
        if existing is not None and not existing.reference_version:
            continue  # edited by hand: the administrator's value wins
        IndicatorTarget.objects.update_or_create(
            indicator_code=row["indicator"],
            year=row["year"],
            defaults={
                "target_value": row["target"],
                "baseline_year": row.get("baseline_year"),
                "baseline_value": row.get("baseline"),
                "source": row["source"],
                "note": row.get("note", ""),
                "reference_version": version,
            },
        )
        written += 1
    return written


def load_dti(path: Path) -> int:
    from government.operations_centre.models import DtiFramework, DtiNode

    data = json.loads(path.read_text(encoding="utf-8"))
    fw = data["framework"]
    if fw.get("is_current"):
        DtiFramework.objects.exclude(code=fw["code"]).update(is_current=False)
    framework, _created = DtiFramework.objects.update_or_create(
        code=fw["code"],
        defaults={
            "decision": fw["decision"],
            "name": fw["name"],
            "issued_on": date.fromisoformat(fw["issued_on"]),
            "is_current": fw.get("is_current", False),
            "reference_version": data["version"],
            "notes": fw.get("notes", ""),
            "max_points": 0,
        },
    )
    seen: set[str] = set()
    order = 0

    def upsert(*, code, kind, name, parent, **fields):
        nonlocal order
        order += 1
        seen.add(code)
        node, _created = DtiNode.objects.update_or_create(
            framework=framework,
            code=code,
            defaults={"kind": kind, "name": name, "parent": parent, "order": order, **fields},
        )
        return node

    total = 0.0
    for group in data["groups"]:
        group_node = upsert(code=group["code"], kind=DtiNode.Kind.GROUP, name=group["name"], parent=None)
        group_points = 0.0
        for main in group["mains"]:
            subs = main["subs"]
            main_node = upsert(
                code=main["code"],
                kind=DtiNode.Kind.MAIN,
                name=main["name"],
                parent=group_node,
                pillar=main.get("pillar", ""),
                max_points=main["max_points"],
                evidence_status=main.get("evidence", ""),
                source_note=main.get("source", ""),
            )
            # Points split equally among the known sub-indicators unless the file gives them (SOURCES.md).
            share = main["max_points"] / len(subs)
            for sub in subs:
                upsert(
                    code=sub["code"],
                    kind=DtiNode.Kind.SUB,
                    name=sub["name"],
                    parent=main_node,
                    pillar=main.get("pillar", ""),
                    max_points=sub.get("max_points", share),
                    method=sub.get("method", ""),
                    formula=sub.get("formula", "ratio"),
                    full_score_at=sub.get("full_score_at"),
                    unit=sub.get("unit", ""),
                    portal_indicator_code=sub.get("portal_indicator", ""),
                    evidence_status=sub.get("evidence", ""),
                    source_note=sub.get("source", ""),
                )
            group_points += main["max_points"]
        DtiNode.objects.filter(pk=group_node.pk).update(max_points=group_points)
        total += group_points
    DtiFramework.objects.filter(pk=framework.pk).update(max_points=total)
    stale = DtiNode.objects.filter(framework=framework).exclude(code__in=seen)
    stale.filter(entries__isnull=True, children__isnull=True).delete()
    return len(seen)


@register_reference_loader
def load(stdout=None) -> None:
    targets = load_targets(stdout)
    nodes = sum(load_dti(path) for path in sorted(REFERENCE_DIR.glob("dti-*.json")))
    if stdout is not None:
        stdout.write(f"operations centre: {targets} targets, {nodes} DTI nodes")

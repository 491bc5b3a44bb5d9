"""Loads the government pillar's reference data (idempotent): the procedure catalogue and the
government's work calendar overrides, from the versioned files in government/reference/."""

import contextlib
import json
from pathlib import Path

from django.db.models import ProtectedError

from core.agencies.models import Agency
from core.management.commands.load_reference_data import register_reference_loader
from government.fields import validate_specs
from government.models import CalendarOverride, Procedure, ProcedureDocument

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
PROCEDURES_FILE = "procedures-2026-11.json"
CALENDAR_FILE = "work-calendar.json"

DEFAULT_STEPS = {
    Procedure.Scope.COMMUNE: [
        {"code": "reception", "name": "Tiếp nhận hồ sơ (Bộ phận Một cửa UBND xã)", "role": "commune_official"},
        {"code": "processing", "name": "Thẩm định (công chức chuyên môn)", "role": "commune_official"},
        {"code": "approval", "name": "Phê duyệt (Chủ tịch / Phó Chủ tịch UBND xã)", "role": "leader"},
        {"code": "result", "name": "Trả kết quả điện tử", "role": "commune_official"},
    ],
    Procedure.Scope.AGENCY: [
        {"code": "reception", "name": "Tiếp nhận hồ sơ (Bộ phận Một cửa)", "role": "department_official"},
        {"code": "processing", "name": "Thẩm định (chuyên viên phòng chuyên môn)", "role": "department_official"},
        {"code": "approval", "name": "Phê duyệt (lãnh đạo cơ quan)", "role": "leader"},
        {"code": "result", "name": "Trả kết quả điện tử", "role": "department_official"},
    ],
}


def load_procedures(path: Path = REFERENCE_DIR / PROCEDURES_FILE) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    version = data["version"]
    seen = []
    for row in data["procedures"]:
        validate_specs(row["fields"])
        agency = Agency.objects.get(code=row["agency"]) if row.get("agency") else None
        fee = row["fee"]
        procedure, _created = Procedure.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "topic": row["topic"],
                "level": row["level"],
                "scope": row["scope"],
                "agency": agency,
                "processing_days": row["processing_days"],
                "fee_base": fee.get("base", 0),
                "fee_per_unit": fee.get("per_unit", 0),
                "fee_unit_field": fee.get("unit_field", ""),
                "fee_note": fee.get("note", ""),
                "result_name": row["result_name"],
                "legal_basis": row.get("legal_basis", ""),
                "form_fields": row["fields"],
                "steps": row.get("steps") or DEFAULT_STEPS[row["scope"]],
                "confidence": row.get("confidence", {}),
                "sources": row.get("sources", []),
                "data_version": version,
                "is_active": True,
            },
        )
        codes = []
        for position, doc in enumerate(row["documents"]):
            ProcedureDocument.objects.update_or_create(
                procedure=procedure,
                code=doc["code"],
                defaults={
                    "name": doc["name"],
                    "required": doc["required"],
                    "accepted_types": doc["types"],
                    "max_size_mb": doc["max_mb"],
                    "position": position,
                },
            )
            codes.append(doc["code"])
        # Components dropped from the file are removed unless a filed dossier points at them.
        for stale in procedure.documents.exclude(code__in=codes):
            with contextlib.suppress(ProtectedError):  # kept for the dossiers that used it
                stale.delete()
        seen.append(row["code"])
    # Procedures no longer published are deactivated, never deleted: dossiers keep pointing at them.
    Procedure.objects.exclude(code__in=seen).update(is_active=False)
    return len(seen)


def load_calendar(path: Path = REFERENCE_DIR / CALENDAR_FILE) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    for row in data["entries"]:
        CalendarOverride.objects.update_or_create(
            date=row["date"],
            defaults={
                "kind": row["kind"],
                "name": row["name"],
                "source": row.get("source", ""),
                "confidence": row.get("confidence", ""),
            },
        )
    return len(data["entries"])


@register_reference_loader
def load(stdout=None):
    procedures = load_procedures()
    days = load_calendar()
    if stdout:
        stdout.write(f"government: {procedures} procedures, {days} calendar overrides")

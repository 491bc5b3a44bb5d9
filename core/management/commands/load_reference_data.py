"""Load the portal's reference data, idempotently (run it as often as you like):

- roles (Django groups);
- Lạng Sơn's administrative units from the `vietnam-provinces` package: the 2025 structure
  (province → 65 communes/wards) and the legacy one (province → 11 districts → communes), with the
  legacy → 2025 mapping;
- agencies from `core/reference/agencies.json`: the provincial committee and departments, the
  party committees, one People's Committee per 2025 commune, the ten forces at every crossing;
- every other app's reference data: each app may ship a `reference.py` with `load(stdout)`.
"""

import json
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from core.agencies.models import Agency, BorderForce
from core.geo.models import AdministrativeUnit as Unit
from core.users import roles

PROVINCE_CODE = 20  # Lạng Sơn
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"

_reference_loaders: list = []


def register_reference_loader(func):
    """Apps register a callable(stdout) that loads their own reference data after core's."""
    if func not in _reference_loaders:
        _reference_loaders.append(func)
    return func


class Command(BaseCommand):
    help = "Load roles, administrative units, agencies and each app's reference data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--skip-apps", action="store_true", help="only core's reference data")

    def handle(self, *args, skip_apps=False, **options):
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            for name in roles.ALL:
                Group.objects.get_or_create(name=name)
            units = self._load_units()
            agencies = self._load_agencies()
        if self.verbosity:
            self.stdout.write(f"reference data: {len(roles.ALL)} roles, {units} units, {agencies} agencies")
        if not skip_apps:
            autodiscover_modules("reference")
            for loader in _reference_loaders:
                with transaction.atomic():
                    loader(self.stdout if self.verbosity else None)

    # -- administrative units --------------------------------------------------------------------
    def _load_units(self) -> int:
        from vietnam_provinces import Province, ProvinceCode, Ward, legacy
        from vietnam_provinces._ward_conversion_2025 import find_new_wards

        def upsert(structure, level, code, name, division_type, parent):
            unit, _created = Unit.objects.update_or_create(
                structure=structure,
                level=level,
                code=int(code),
                defaults={"name": name, "division_type": str(division_type), "parent": parent},
            )
            return unit

        count = 0
        province = Province.from_code(ProvinceCode(PROVINCE_CODE))
        p_new = upsert(
            Unit.Structure.CURRENT,
            Unit.Level.PROVINCE,
            PROVINCE_CODE,
            province.name,
            province.division_type.value,
            None,
        )
        new_by_code = {}
        for ward in Ward.iter_by_province(ProvinceCode(PROVINCE_CODE)):
            new_by_code[int(ward.code)] = upsert(
                Unit.Structure.CURRENT, Unit.Level.COMMUNE, ward.code, ward.name, ward.division_type.value, p_new
            )
        count += 1 + len(new_by_code)

        lprov = legacy.Province.from_code(legacy.ProvinceCode(PROVINCE_CODE))
        p_old = upsert(
            Unit.Structure.LEGACY, Unit.Level.PROVINCE, PROVINCE_CODE, lprov.name, lprov.division_type.value, None
        )
        count += 1
        for district in legacy.District.iter_by_province(legacy.ProvinceCode(PROVINCE_CODE)):
            d = upsert(
                Unit.Structure.LEGACY,
                Unit.Level.DISTRICT,
                district.code,
                district.name,
                district.division_type.value,
                p_old,
            )
            count += 1
            for ward in legacy.Ward.iter_by_district(district.code):
                w = upsert(Unit.Structure.LEGACY, Unit.Level.COMMUNE, ward.code, ward.name, ward.division_type.value, d)
                count += 1
                entry = find_new_wards(int(ward.code))
                successors = [new_by_code[n.code] for n in (entry.new_wards if entry else ()) if n.code in new_by_code]
                w.successors.set(successors)
        return count

    # -- agencies ---------------------------------------------------------------------------------
    def _load_agencies(self) -> int:
        data = json.loads((REFERENCE_DIR / "agencies.json").read_text(encoding="utf-8"))
        province_unit = Unit.objects.get(
            structure=Unit.Structure.CURRENT, level=Unit.Level.PROVINCE, code=PROVINCE_CODE
        )
        seen = set()

        def upsert(code, kind, *, parent=None, admin_unit=None, **fields):
            seen.add(code)
            agency, _created = Agency.objects.update_or_create(
                code=code,
                defaults={"kind": kind, "parent": parent, "admin_unit": admin_unit, "is_active": True, **fields},
            )
            return agency

        def fields_of(row):
            return {k: row.get(k, "") for k in ("name", "name_en", "short_name", "unit_identifier")}

        province = upsert(
            data["province"]["code"], Agency.Kind.PROVINCE, admin_unit=province_unit, **fields_of(data["province"])
        )
        created = {}
        for row in data["departments"]:
            created[row["code"]] = upsert(
                row["code"], Agency.Kind.DEPARTMENT, parent=province, admin_unit=province_unit, **fields_of(row)
            )
        for row in data["departments"]:  # second pass: parents inside the list
            if row.get("parent"):
                Agency.objects.filter(code=row["code"]).update(parent=created[row["parent"]])
        party_root = None
        for row in data["party"]:
            parent = party_root if row.get("parent") else None
            agency = upsert(row["code"], Agency.Kind.PARTY, parent=parent, admin_unit=province_unit, **fields_of(row))
            party_root = party_root or agency
        communes = Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE)
        for unit in communes:
            upsert(
                f"ubnd-xa-{unit.code}",
                Agency.Kind.COMMUNE,
                parent=province,
                admin_unit=unit,
                name=data["commune_committee_name"].format(name=unit.name),
                name_en=f"People's Committee of {unit.name}",
                short_name=f"UBND {unit.name}",
                unit_identifier=f"{unit.code:05d}.H37",
            )
            upsert(
                f"dang-uy-xa-{unit.code}",
                Agency.Kind.PARTY,
                parent=party_root,
                admin_unit=unit,
                name=data["commune_party_committee_name"].format(name=unit.name),
                name_en=f"Party Committee of {unit.name}",
                short_name=f"ĐU {unit.name}",
                unit_identifier="",
            )
        for crossing in data["crossings"]:
            for force in BorderForce:
                upsert(
                    f"{crossing['code']}-{force.value}",
                    Agency.Kind.BORDER_FORCE,
                    admin_unit=province_unit,
                    name=f"{force.label} — {crossing['name']}",
                    name_en=f"{force.value} at {crossing['code']}",
                    short_name=str(force.label),
                    unit_identifier="",
                    force=force.value,
                    crossing_code=crossing["code"],
                )
        # Agencies removed from the files are deactivated, never deleted: records keep pointing at them.
        Agency.objects.exclude(code__in=seen).update(is_active=False)
        return len(seen)

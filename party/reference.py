"""Reference data of the party agencies pillar (loaded by `manage.py load_reference_data`,
idempotent): the skeleton of the Party organisation tree — the provincial committee, its boards
and one Party committee per 2025 commune or ward, each of them an agency of kind "party" in core's
reference data. Party cells are entered by each committee (or the demo data)."""

from core.agencies.models import Agency
from core.geo.models import AdministrativeUnit
from core.management.commands.load_reference_data import register_reference_loader

ROOT = "tinh-uy"
# The issuing body's symbol in document numbers (Quy định 66-QĐ/TW on Party document format).
SYMBOLS = {
    "tinh-uy": "TU",
    "van-phong-tinh-uy": "VPTU",
    "ban-tuyen-giao-dan-van": "BTGDVTU",
    "ban-to-chuc-tu": "BTCTU",
    "uy-ban-kiem-tra-tu": "UBKTTU",
}


@register_reference_loader
def load(stdout=None) -> int:
    from party.models import PartyOrganisation as Org
    from party.services.organisations import organisation_create

    agencies = {a.code: a for a in Agency.objects.filter(kind=Agency.Kind.PARTY).select_related("admin_unit")}
    if ROOT not in agencies:
        return 0
    root_agency = agencies[ROOT]
    root = organisation_create(
        code=ROOT,
        name=root_agency.name,
        short_name=root_agency.short_name,
        symbol=SYMBOLS[ROOT],
        level=Org.Level.PROVINCE,
        agency=root_agency,
    )
    count = 1
    for code, agency in sorted(agencies.items(), key=lambda item: (item[1].admin_unit_id or 0, item[1].name)):
        if code == ROOT:
            continue
        unit = agency.admin_unit
        is_commune = unit is not None and unit.level == AdministrativeUnit.Level.COMMUNE
        organisation_create(
            code=code,
            name=agency.name,
            short_name=agency.short_name,
            symbol="ĐU" if is_commune else SYMBOLS.get(code, "TU"),
            level=Org.Level.COMMUNE if is_commune else Org.Level.BOARD,
            parent=root,
            agency=agency,
            admin_unit=unit if is_commune else None,
        )
        count += 1
    if stdout is not None:
        stdout.write(f"party: {count} organisations in the tree skeleton")
    return count

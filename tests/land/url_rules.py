"""Access rules of the land platform's named URLs (tests/url_matrix.py).

Public pages and the GeoJSON API answer everyone. Land-official pages answer only the land officials:
the `land_official` persona (department official of the Land Registration Office: the whole
province), the `cadastral_officer` (Phường Đông Kinh's official granted the land permission: that
commune, where the matrix's parcel lies) and the superuser. Everyone else gets 403 — the department
official of another agency and the commune official without the permission included."""

from tests.url_matrix import PUBLIC, SKIP, Rule, roles

LAND_OFFICIALS = roles("system_administrator")
# Land access follows the agency or the permission, not the role alone (government/land/permissions.py).
AS_LAND_OFFICIAL = {"land_official": "ok", "cadastral_officer": "ok"}
NOT_THE_LAND_USER = {"enterprise_rep": 403, "sysadmin": 403}


def _parcel(personas):
    from government.land.models import Parcel
    from tests.land.factories import make_parcel

    parcel = Parcel.objects.filter(code="05977-1-1").first() or make_parcel()
    return parcel


def _code(personas):
    return {"code": _parcel(personas).code}


def _tile(personas):
    _parcel(personas)
    return {"z": 16, "x": 52000, "y": 28000}


def _report(personas):
    import uuid

    from django.core.files.base import ContentFile

    from government.land.models import ErrorReport

    report = ErrorReport(
        parcel=_parcel(personas), reporter=personas["citizen"], field="area", description="Diện tích sai"
    )
    report.uid = uuid.uuid4()
    report.evidence.save("bang-chung.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    report.save()
    return {"uid": report.uid}


def _import(personas):
    from government.land.models import ParcelImport

    return {"pk": ParcelImport.objects.create(file_name="thua.geojson", status="done", percent=100).pk}


# Imports are the province's files: province-wide land officials only (not a commune's officer).
AS_PROVINCE_LAND_OFFICIAL = {"land_official": "ok"}

RULES = [
    Rule("land:index", PUBLIC),
    Rule("land:lookup", PUBLIC, query="by=code&code=05977-9-99"),
    Rule("land:parcel", PUBLIC, kwargs=_code),
    Rule("land:parcel-pdf", PUBLIC, kwargs=_code),
    Rule("land:tile", PUBLIC, kwargs=_tile),
    Rule("land:communes", PUBLIC),
    Rule("land:report-new", roles("citizen", "enterprise_representative"), kwargs=_code, overrides=NOT_THE_LAND_USER),
    Rule("land:my-reports", roles("citizen", "enterprise_representative")),
    Rule(
        "land:report-evidence",
        SKIP("a file download for the reporter and the land office; tests/land/test_services.py"),
    ),
    Rule("land:official", LAND_OFFICIALS, overrides=AS_LAND_OFFICIAL),
    Rule("land:owner-search", LAND_OFFICIALS, query="q=Hoàng", overrides=AS_LAND_OFFICIAL),
    Rule("land:report-detail", LAND_OFFICIALS, kwargs=_report, overrides=AS_LAND_OFFICIAL),
    Rule("land:parcel-edit", LAND_OFFICIALS, kwargs=_code, overrides=AS_LAND_OFFICIAL),
    Rule("land:imports", LAND_OFFICIALS, overrides=AS_PROVINCE_LAND_OFFICIAL),
    Rule("land:import-detail", LAND_OFFICIALS, kwargs=_import, overrides=AS_PROVINCE_LAND_OFFICIAL),
    # Province leaders, land officials (their scope) and commune officials (their own commune).
    Rule(
        "land:statistics",
        roles("province_leader", "commune_official"),
        overrides={"land_official": "ok", "cadastral_officer": "ok"},
    ),
    Rule("land-api:parcel-list", PUBLIC, query="bbox=106.76,21.85,106.77,21.86"),
    Rule("land-api:parcel-detail", PUBLIC, kwargs=_code),
    Rule("land-api:plan-zones", PUBLIC, query="lon=106.76&lat=21.85"),
]

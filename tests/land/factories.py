"""Land test data: a parcel drawn as a square near a point inside a real 2025 commune, in VN-2000."""

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from government.land.geo import VN2000_SRID
from government.land.models import Parcel, ParcelOwner, PlanZone, PriceZone

OWNER_NAME = "Hoàng Văn Dân"
OWNER_ID = "020090000123"  # the citizen persona's ID number (tests/conftest.py)
OWNER_ADDRESS = "Số 7 ngõ Bí Mật, Phường Đông Kinh"


def commune_anchor(code: int) -> tuple[float, float]:
    """A point inside the commune, in VN-2000 metres (x east, y north)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geometry), %s) AS p "
            "FROM geo_administrativeunit WHERE structure = '2025' AND level = 'commune' AND code = %s) s",
            [VN2000_SRID, code],
        )
        return cursor.fetchone()


def square(x: float, y: float, size: float = 20.0) -> MultiPolygon:
    ring = ((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))
    return MultiPolygon(Polygon(ring), srid=VN2000_SRID)


def make_parcel(*, commune_code=5977, sheet=1, number=1, land_use="ODT", offset=(0, 0), size=20.0, owner=True, **extra):
    from core.geo.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(structure="2025", level="commune", code=commune_code)
    x, y = commune_anchor(commune_code)
    geom = square(x + offset[0], y + offset[1], size)
    parcel = Parcel.objects.create(
        code=Parcel.make_code(commune_code, sheet, number),
        commune=commune,
        sheet=sheet,
        number=number,
        land_use_id=land_use,
        area_m2=round(geom.area, 1),
        address=extra.pop("address", "Khối 3, Phường Đông Kinh"),
        use_term="Lâu dài",
        geom=geom,
        **extra,
    )
    if owner:
        ParcelOwner.objects.create(parcel=parcel, full_name=OWNER_NAME, id_number=OWNER_ID, address=OWNER_ADDRESS)
    return parcel


def make_zones(parcel: Parcel) -> None:
    """A plan zone covering the west half of the parcel's square, another the east half, a price zone over all."""
    x0, y0, x1, y1 = parcel.geom.extent
    mid = (x0 + x1) / 2
    west = MultiPolygon(
        Polygon(((x0 - 50, y0 - 50), (mid, y0 - 50), (mid, y1 + 50), (x0 - 50, y1 + 50), (x0 - 50, y0 - 50))),
        srid=VN2000_SRID,
    )
    east = MultiPolygon(
        Polygon(((mid, y0 - 50), (x1 + 50, y0 - 50), (x1 + 50, y1 + 50), (mid, y1 + 50), (mid, y0 - 50))),
        srid=VN2000_SRID,
    )
    PlanZone.objects.create(
        code=f"QH-W-{parcel.pk}", planned_use_id="ODT", plan_period="2021-2030", decision="QĐ 1/QĐ-UBND", geom=west
    )
    PlanZone.objects.create(
        code=f"QH-E-{parcel.pk}", planned_use_id="DGT", plan_period="2021-2030", decision="QĐ 1/QĐ-UBND", geom=east
    )
    everything = MultiPolygon(
        Polygon(((x0 - 50, y0 - 50), (x1 + 50, y0 - 50), (x1 + 50, y1 + 50), (x0 - 50, y1 + 50), (x0 - 50, y0 - 50))),
        srid=VN2000_SRID,
    )
    PriceZone.objects.create(
        code=f"GIA-{parcel.pk}",
        land_use_id=parcel.land_use_id,
        road="Đường Trần Đăng Ninh",
        position=1,
        price_per_m2=15_000_000,
        price_table="Bảng giá thử nghiệm",
        geom=everything,
    )


def wgs84_centre(parcel: Parcel) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) AS p "
            "FROM land_parcel WHERE id = %s) s",
            [parcel.pk],
        )
        return cursor.fetchone()

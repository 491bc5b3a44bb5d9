"""The land platform's coordinate systems, defined once.

Parcels are stored in VN-2000 / TM-3 with Lạng Sơn's own central meridian (107°15′, k = 0.9999,
false easting 500 km): the projection the province's cadastral maps are drawn in, metric, so areas
and split rules are computed in m². EPSG has no code for this zone, so it is added to PostGIS's
spatial_ref_sys as a custom SRID (migration 0001). The web sees EPSG:4326, transformed in SQL.

GDAL in Python does not know the custom SRID either: code that transforms in Python builds the
SpatialReference from `VN2000_PROJ4`, never from the number. The 7 parameters VN-2000 → WGS84
are the commonly used set (Quyết định 05/2007/QĐ-BTNMT); checked against 106.76 E, 21.85 N →
X 2,417,141 m, Y 449,159 m (tests/land/test_geo.py).
"""

from functools import cache

VN2000_SRID = 910725  # custom: PostGIS allows user SRIDs up to 998999
WGS84_SRID = 4326
VN2000_PROJ4 = (
    "+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278 "
    "+units=m +no_defs"
)
VN2000_NAME = "VN-2000 / TM-3 Lạng Sơn (KTT 107°15′)"

# The province's rough bounds, to tell VN-2000 metres from degrees and to refuse far-away points.
PROVINCE_BBOX_WGS84 = (105.9, 21.2, 107.6, 22.6)
PROVINCE_BBOX_VN2000 = (360_000.0, 2_355_000.0, 540_000.0, 2_505_000.0)  # (Y/E min, X/N min, Y/E max, X/N max)


@cache
def vn2000_srs():
    from django.contrib.gis.gdal import SpatialReference

    return SpatialReference(VN2000_PROJ4)


@cache
def to_vn2000():
    from django.contrib.gis.gdal import CoordTransform, SpatialReference

    return CoordTransform(SpatialReference(WGS84_SRID), vn2000_srs())


@cache
def to_wgs84():
    from django.contrib.gis.gdal import CoordTransform, SpatialReference

    return CoordTransform(vn2000_srs(), SpatialReference(WGS84_SRID))


def in_province_wgs84(lon: float, lat: float) -> bool:
    x0, y0, x1, y1 = PROVINCE_BBOX_WGS84
    return x0 <= lon <= x1 and y0 <= lat <= y1


def in_province_vn2000(easting: float, northing: float) -> bool:
    x0, y0, x1, y1 = PROVINCE_BBOX_VN2000
    return x0 <= easting <= x1 and y0 <= northing <= y1

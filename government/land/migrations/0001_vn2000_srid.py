"""Adds Lạng Sơn's VN-2000 TM-3 zone (central meridian 107°15′) to PostGIS as a custom SRID before
any geometry column uses it (government/land/geo.py). The WKT is derived from the PROJ string by
GDAL, so the two never disagree."""

from django.db import migrations

from government.land.geo import VN2000_NAME, VN2000_PROJ4, VN2000_SRID


def add_srid(apps, schema_editor):
    from django.contrib.gis.gdal import SpatialReference

    wkt = SpatialReference(VN2000_PROJ4).wkt.replace('PROJCS["unknown"', f'PROJCS["{VN2000_NAME}"', 1)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (srid) DO UPDATE SET srtext = EXCLUDED.srtext, proj4text = EXCLUDED.proj4text",
            [VN2000_SRID, "LANGSON", VN2000_SRID, wkt, VN2000_PROJ4],
        )


def remove_srid(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM spatial_ref_sys WHERE srid = %s", [VN2000_SRID])


class Migration(migrations.Migration):
    initial = True
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(add_srid, remove_srid)]

"""Reference data of core.geo: the 2025 commune boundaries (reference/lang-son-communes-2025.geojson,
sources and MIT notice in reference/SOURCES.md) into AdministrativeUnit.geometry. Idempotent: a unit
whose stored geometry already equals the file's is not rewritten."""

import json
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from core.management.commands.load_reference_data import register_reference_loader

BOUNDARIES = Path(__file__).resolve().parent / "reference" / "lang-son-communes-2025.geojson"


def _multipolygon(geometry: dict) -> MultiPolygon:
    geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=4326)
    return geom


@register_reference_loader
def load(stdout=None) -> None:
    from core.geo.models import AdministrativeUnit as Unit

    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    units = {u.code: u for u in Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE)}
    updated = missing = 0
    for feature in data["features"]:
        unit = units.get(int(feature["properties"]["code"]))
        if unit is None:
            missing += 1
            continue
        geom = _multipolygon(feature["geometry"])
        if unit.geometry is not None and unit.geometry.equals_exact(geom, tolerance=1e-7):
            continue
        unit.geometry = geom
        unit.save(update_fields=["geometry"])
        updated += 1
    if missing:
        raise ValueError(f"{missing} boundary features match no 2025 commune: reference data out of date")
    if stdout is not None:
        stdout.write(f"geo: {len(data['features'])} commune boundaries ({updated} updated)")

"""The province drawn on the server (core/geo/maps.py) from the boundaries load_reference_data loaded:
what a page without JavaScript gets to draw, that it is drawn once, and that points still land on a
frame when no boundaries are loaded."""

import pytest

from core.geo import maps
from core.geo.models import AdministrativeUnit as Unit

pytestmark = pytest.mark.django_db


def test_the_map_has_the_outline_every_commune_and_the_former_districts():
    drawn = maps.province_map()
    assert drawn.width == 1000 and 900 < drawn.height < 1050  # Lạng Sơn is about as tall as it is wide
    assert drawn.outline.startswith("M") and drawn.outline.count("L") > 300
    assert len(drawn.communes) == 65 and all(c.path.startswith("M") and c.path.endswith("Z") for c in drawn.communes)
    labels = {c.name: c.label for c in drawn.communes}
    assert labels["Phường Đông Kinh"] == "Đông Kinh"
    assert all(not label.lower().startswith(("xã ", "phường ")) for label in labels.values())
    assert {a.name for a in drawn.areas} == {
        "Lạng Sơn", "Tràng Định", "Bình Gia", "Văn Lãng", "Cao Lộc", "Văn Quan",
        "Bắc Sơn", "Hữu Lũng", "Chi Lăng", "Lộc Bình", "Đình Lập",
    }  # fmt: skip
    # Every name sits on the drawing; a point of the province lands on it, one far away does not.
    assert all(0 <= p.x <= drawn.width and 0 <= p.y <= drawn.height for p in drawn.communes + drawn.areas)
    assert drawn.project(106.76, 21.85) is not None and drawn.project(105.0, 21.0) is None


def test_north_is_up_and_east_is_right():
    drawn = maps.province_map()
    by_name = {a.name: a for a in drawn.areas}
    # Tràng Định borders China in the north, Hữu Lũng lies south-west, Đình Lập south-east.
    assert by_name["Tràng Định"].y < by_name["Hữu Lũng"].y
    assert by_name["Hữu Lũng"].x < by_name["Đình Lập"].x


def test_the_map_is_drawn_once_and_kept(django_assert_max_num_queries):
    maps.province_map()
    # Afterwards a page pays one small query (have the boundaries changed?) and no geometry.
    with django_assert_max_num_queries(1) as ctx:
        again = maps.province_map()
    assert "geometry" not in ctx.captured_queries[0]["sql"].split("FROM")[0]
    assert len(again.communes) == 65


def test_without_boundaries_the_points_still_land_on_a_frame():
    # The cached map is keyed by what is loaded: no boundaries, another key (no cache to flush).
    Unit.objects.update(geometry=None)
    drawn = maps.province_map()
    assert drawn.communes == () and drawn.outline == "" and drawn.areas == ()
    assert drawn.project(106.76, 21.85) is not None

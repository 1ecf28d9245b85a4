"""The map's pure geometry, without Django: drop points from boundaries, distances, the SVG frame."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaodian.delivery import geo

lon = st.floats(min_value=73, max_value=135, allow_nan=False)
lat = st.floats(min_value=18, max_value=53, allow_nan=False)
point = st.tuples(lon, lat)
# A shared 2-core machine can stall a draw for seconds: slowness is not what these properties are about.
calm = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def test_the_centroid_of_a_rectangle_is_its_middle():
    ring = [[116.0, 39.0], [117.0, 39.0], [117.0, 40.0], [116.0, 40.0], [116.0, 39.0]]
    assert geo.centroid({"type": "Polygon", "coordinates": [ring]}) == (116.5, 39.5)
    assert geo.centroid({"type": "MultiPolygon", "coordinates": [[ring]]}) == (116.5, 39.5)
    assert geo.centroid(None) is None and geo.centroid({"type": "Polygon", "coordinates": []}) is None


def test_a_degree_of_latitude_is_about_111_km():
    assert abs(geo.km((116.0, 39.0), (116.0, 40.0)) - 111.19) < 0.05


@calm
@given(point, point, point)
def test_distances_are_a_metric(a, b, c):
    assert geo.km(a, a) == 0
    assert math.isclose(geo.km(a, b), geo.km(b, a), abs_tol=1e-9)
    assert geo.km(a, c) <= geo.km(a, b) + geo.km(b, c) + 1e-6


@calm
@given(st.lists(point, min_size=1, max_size=30))
def test_the_local_plane_keeps_city_distances(points):
    origin = points[0]
    flat = geo.local_km(points, origin)
    assert flat[0] == (0.0, 0.0)
    for p, (x, y) in zip(points, flat, strict=True):
        if geo.km(origin, p) < 20:  # inside a city the flat plane is within 1 % of the sphere
            assert abs(math.hypot(x, y) - geo.km(origin, p)) <= 0.01 * geo.km(origin, p) + 1e-6


@calm
@given(st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=1, max_size=40),
       st.integers(100, 1000), st.integers(100, 1000))
def test_the_frame_keeps_every_point_in_the_box_and_north_up(points, width, height):
    px = geo.frame(points, width, height)
    assert all(0 <= x <= width + 1e-6 and 0 <= y <= height + 1e-6 for x, y in px)
    # Brute force over every pair: east stays right, north stays up.
    for (x1, y1), (x2, y2), (a1, b1), (a2, b2) in ((p, q, r, s) for p, r in zip(points, px, strict=True)
                                                   for q, s in zip(points, px, strict=True)):
        if x1 < x2:
            assert a1 <= a2 + 1e-6
        if y1 < y2:
            assert b1 >= b2 - 1e-6

import pytest
from hypothesis import given, strategies as st

from shaodian.errors import ServiceError
from shaodian.places import geo, services
from shaodian.places.models import Place


@given(st.integers(1, 400))
def test_split_covers_the_box_with_n_disjoint_cells(n):
    cells = geo.split((0.0, 0.0, 1.0, 1.0), n)
    assert len(cells) == n
    area = sum((e - w) * (t - s) for w, s, e, t in cells)
    assert area <= 1.0 + 1e-9
    for w, s, e, t in cells:
        assert 0 <= w < e <= 1 + 1e-9 and 0 <= s < t <= 1 + 1e-9


@pytest.mark.parametrize(
    "raw",
    ["not json", {"type": "Point", "coordinates": [1, 2]}, {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
     {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 2]]]},
     {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}, [1, 2]],
)
def test_bad_boundaries_are_refused(raw):
    with pytest.raises(geo.InvalidBoundary):
        geo.normalize_boundary(raw)


def test_a_feature_is_unwrapped():
    rect = geo.rectangle(116.3, 39.8, 116.4, 39.9)
    assert geo.normalize_boundary({"type": "Feature", "geometry": rect, "properties": {}}) == rect


@pytest.mark.django_db
def test_setting_a_boundary_is_scoped_and_validated(users):
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    rect = geo.rectangle(116.3, 39.8, 116.4, 39.9)
    services.place_set_boundary(actor=users["admin"], place=grid, boundary=rect)
    assert Place.objects.get(pk=grid.pk).boundary == rect
    with pytest.raises(ServiceError):
        services.place_set_boundary(actor=users["admin"], place=grid, boundary="{")
    with pytest.raises(ServiceError):
        services.place_set_boundary(actor=users["grid_a"], place=grid, boundary=rect)


@pytest.mark.django_db
def test_the_demo_city_has_nested_boundaries(client_as, users):
    grid = Place.objects.get(pk=users["grid_a"].node_id)
    community = Place.objects.get(pk=grid.community_id)
    (gw, gs), (ge, gn) = grid.boundary["coordinates"][0][0], grid.boundary["coordinates"][0][2]
    (cw, cs), (ce, cn) = community.boundary["coordinates"][0][0], community.boundary["coordinates"][0][2]
    assert cw <= gw < ge <= ce and cs <= gs < gn <= cn
    page = client_as("staff_a").get(f"/places/{community.pk}/").content.decode()
    assert 'id="map-data"' in page and "leaflet/leaflet.js" in page

"""Coordinates for plans and maps: a community's drop point from its boundary, distances, the SVG frame. Pure."""

import math

EARTH_KM = 6371.0


def centroid(boundary) -> tuple[float, float] | None:
    """(lon, lat): the mean of the outer ring's corners of a GeoJSON Polygon or MultiPolygon, or None."""
    if not isinstance(boundary, dict):
        return None
    coords = boundary.get("coordinates") or []
    if boundary.get("type") == "MultiPolygon":
        coords = coords[0] if coords else []
    ring = coords[0] if coords else []
    points = [p for p in ring[:-1] if isinstance(p, list | tuple) and len(p) >= 2] or ring
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def local_km(points: list[tuple[float, float]], origin: tuple[float, float]) -> list[tuple[float, float]]:
    """(x, y) kilometres east and north of `origin`: the flat plane a city's routes fit in."""
    lon0, lat0 = origin
    kx = math.cos(math.radians(lat0)) * math.pi * EARTH_KM / 180
    ky = math.pi * EARTH_KM / 180
    return [((lon - lon0) * kx, (lat - lat0) * ky) for lon, lat in points]


def frame(points: list[tuple[float, float]], width: float, height: float, pad: float = 24) -> list[tuple[float, float]]:
    """The points scaled into an SVG box (north up), keeping their proportions."""
    if not points:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    scale = min(width - 2 * pad, height - 2 * pad) / span
    return [(pad + (x - min(xs)) * scale, height - pad - (y - min(ys)) * scale) for x, y in points]

"""GeoJSON boundaries: validation of what an operator uploads. Pure: no Django import."""

import json

MAX_POINTS = 20_000


class InvalidBoundary(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _ring(ring) -> int:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidBoundary("多边形的每个环至少需要4个点", "Each polygon ring needs at least 4 positions")
    for pos in ring:
        if not (isinstance(pos, list) and len(pos) >= 2 and all(isinstance(c, int | float) for c in pos[:2])):
            raise InvalidBoundary("坐标格式不正确", "A position must be [longitude, latitude]")
        lon, lat = pos[0], pos[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidBoundary("坐标超出经纬度范围", "A position is outside longitude/latitude range")
    if ring[0][:2] != ring[-1][:2]:
        raise InvalidBoundary("多边形的环必须首尾闭合", "A polygon ring must end where it starts")
    return len(ring)


def normalize_boundary(raw) -> dict | None:
    """A Polygon or MultiPolygon geometry (a Feature is unwrapped), or None for empty input."""
    if raw in (None, "", {}):
        return None
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise InvalidBoundary("边界不是有效的GeoJSON", "The boundary is not valid GeoJSON") from None
    if not isinstance(raw, dict):
        raise InvalidBoundary("边界不是有效的GeoJSON", "The boundary is not valid GeoJSON")
    if raw.get("type") == "Feature":
        raw = raw.get("geometry") or {}
    kind, coords = raw.get("type"), raw.get("coordinates")
    if kind == "Polygon" and isinstance(coords, list) and coords:
        polygons = [coords]
    elif kind == "MultiPolygon" and isinstance(coords, list) and coords:
        polygons = coords
    else:
        raise InvalidBoundary("边界必须是Polygon或MultiPolygon", "The boundary must be a Polygon or MultiPolygon")
    points = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise InvalidBoundary("多边形为空", "A polygon is empty")
        for ring in polygon:
            points += _ring(ring)
    if points > MAX_POINTS:
        raise InvalidBoundary(f"边界点数过多（上限{MAX_POINTS}）", f"Too many positions (limit {MAX_POINTS})")
    return {"type": kind, "coordinates": coords}


def rectangle(west: float, south: float, east: float, north: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


def split(box: tuple[float, float, float, float], n: int) -> list[tuple[float, float, float, float]]:
    """Cut a box into n cells of a near-square grid (for synthetic boundaries)."""
    if n <= 0:
        return []
    west, south, east, north = box
    cols = max(1, round(n ** 0.5))
    rows = -(-n // cols)
    w, h = (east - west) / cols, (north - south) / rows
    return [(west + (i % cols) * w, south + (i // cols) * h, west + (i % cols + 1) * w, south + (i // cols + 1) * h)
            for i in range(n)]

"""Vehicle routes (SUP-7): from a warehouse or transfer station to the community drop points of a confirmed plan,
with vehicle capacities and drop-point hours, solved by `supplies.routing` (PyVRP); the orders that cannot be served
are named with the reason; the map is an SVG drawn here from coordinates (no tiles, nothing from the internet)."""

from django.db import transaction
from django.utils import timezone

from shaodian.delivery import geo
from shaodian.delivery.models import DeliveryOrder, PlanStatus, RouteRun, RouteStop
from shaodian.delivery.plans import plans_for
from shaodian.errors import Msg, ServiceError
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.supplies import routing
from shaodian.supplies.selectors import warehouses_for

# Drop points take deliveries 06:00–16:00; times count in minutes from 06:00, when the depot opens.
DAY_START_HOUR = 6
DROP_DUE_MIN = 600
DEPOT_CLOSES_MIN = 720
SERVICE_MIN = 15
SPEED_KM_PER_MIN = 0.5  # 30 km/h in a city under control
MAX_VEHICLES = 200
MAX_CAPACITY_KG = 50_000
NOT_CONFIRMED = Msg("方案确认后才能排线", "Confirm the plan before planning routes", "plan_not_confirmed")


def runs_for(user):
    return RouteRun.objects.for_user(user, (Perm.VIEW_SUPPLIES, Perm.PLAN_SUPPLIES))


def run_get(user, pk) -> RouteRun:
    return get_scoped(runs_for(user).select_related("warehouse", "plan"), pk)


def _where(warehouse) -> tuple[float, float] | None:
    if warehouse.longitude is not None and warehouse.latitude is not None:
        return warehouse.longitude, warehouse.latitude
    return geo.centroid(warehouse.place.boundary)


def route_plan(*, actor, plan_id, warehouse_id, vehicles, capacity_kg, seconds: float = 2.0, now=None) -> RouteRun:
    """Routes for the orders a confirmed plan sends from one warehouse; unserved orders are kept with the reason."""
    if not actor.can(Perm.PLAN_SUPPLIES):
        raise ServiceError.forbidden()
    try:
        vehicles, capacity_kg = int(vehicles), int(capacity_kg)
    except (TypeError, ValueError):
        raise ServiceError.one("vehicles", "车辆数和载重须为整数", "Vehicles and capacity are whole numbers") from None
    if not 1 <= vehicles <= MAX_VEHICLES:
        raise ServiceError.one("vehicles", f"车辆数须在 1 到 {MAX_VEHICLES} 之间", f"1 to {MAX_VEHICLES} vehicles",
                               "out_of_range")
    if not 1 <= capacity_kg <= MAX_CAPACITY_KG:
        raise ServiceError.one("capacity_kg", f"载重须在 1 到 {MAX_CAPACITY_KG} 公斤之间",
                               f"Capacity between 1 and {MAX_CAPACITY_KG} kg", "out_of_range")
    now = now or timezone.now()
    plan = get_scoped(plans_for(actor), plan_id)
    if plan.status != PlanStatus.CONFIRMED:
        raise ServiceError({"general": [NOT_CONFIRMED]}, 409)
    warehouse = get_scoped(warehouses_for(actor), warehouse_id)
    orders = list(DeliveryOrder.objects.filter(plan=plan, warehouse=warehouse).select_related("place").order_by("pk"))
    if not orders:
        raise ServiceError.one("warehouse", "该方案没有从此仓库发出的订单", "The plan sends nothing from this warehouse",
                               "no_orders")
    origin = _where(warehouse)
    places = {o.pk: geo.centroid(o.place.boundary) for o in orders}
    if origin is None or any(p is None for p in places.values()):
        raise ServiceError.one("warehouse", "仓库或社区缺少坐标，无法排线", "A warehouse or community has no coordinates",
                               "no_coordinates")
    # An order heavier than a vehicle goes in several loads to the same drop point, each its own stop.
    names = [o.place.name for o in orders]
    loads: list[tuple[str, DeliveryOrder, int]] = []
    for o in orders:
        name = o.place.name if names.count(o.place.name) == 1 else f"{o.place.name}#{o.pk}"
        parts = -(-o.load_kg // capacity_kg)
        for n in range(parts):
            load = min(capacity_kg, o.load_kg - n * capacity_kg)
            loads.append((name if parts == 1 else f"{name}（{n + 1}/{parts}）", o, load))
    xy = geo.local_km([origin, *(places[o.pk] for _k, o, _l in loads)], origin)
    problem = routing.RoutingProblem(
        depot=routing.Depot(key=warehouse.name, x=xy[0][0], y=xy[0][1], opens=0, closes=DEPOT_CLOSES_MIN),
        stops=tuple(routing.Stop(key=k, demand=load, x=x, y=y, ready=0, due=DROP_DUE_MIN, service=SERVICE_MIN)
                    for (k, _o, load), (x, y) in zip(loads, xy[1:], strict=True)),
        vehicles=(routing.Vehicles(key="vehicle", capacity=capacity_kg, count=vehicles),),
        speed=SPEED_KM_PER_MIN)
    try:
        solution = routing.solve(problem, seconds=seconds, seed=1)
    except routing.RoutingError as exc:
        raise ServiceError.one("general", str(exc), str(exc), "routing") from None
    by_key = {k: (o, load) for k, o, load in loads}
    with transaction.atomic():
        run = RouteRun(plan=plan, warehouse=warehouse, vehicles=vehicles, capacity_kg=capacity_kg,
                       distance_km=round(solution.distance, 3), vehicles_used=solution.vehicles_used,
                       created_by=actor, created_at=now,
                       unserved=[{"order": by_key[u.stop][0].pk, "community_name": by_key[u.stop][0].place.name,
                                  "load_kg": by_key[u.stop][1], "why": u.why.value,
                                  "zh": routing.explain(u, "zh"), "en": routing.explain(u, "en")}
                                 for u in solution.unserved])
        run.locate_at(plan.place)
        run.save()
        RouteStop.objects.bulk_create([
            RouteStop(run=run, route_no=n, vehicle=f"{n}", seq=i, order=by_key[v.stop][0], load_kg=by_key[v.stop][1],
                      arrival_min=round(v.arrival, 1))
            for n, route in enumerate(solution.routes, start=1) for i, v in enumerate(route.visits, start=1)])
        audit(actor, AuditAction.CREATE, "route_run", run.pk,
              detail={"plan": plan.pk, "routes": solution.vehicles_used, "unserved": len(solution.unserved)})
    return run


def clock(minutes: float) -> str:
    """"HH:MM" of a time counted in minutes from the depot's opening."""
    total = int(round(DAY_START_HOUR * 60 + minutes))
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


COLOURS = ("#c62828", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e", "#ad1457")


def route_sheets(run: RouteRun) -> list[dict]:
    """Per vehicle: its stops in order with the arrival time, the load and what each community gets."""
    sheets: dict[int, dict] = {}
    for s in run.stops.select_related("order__place").order_by("route_no", "seq"):
        sheet = sheets.setdefault(s.route_no, {"no": s.route_no, "colour": COLOURS[(s.route_no - 1) % len(COLOURS)],
                                               "stops": [], "load": 0})
        share = s.load_kg / s.order.load_kg if s.order.load_kg else 1
        sheet["stops"].append({"seq": s.seq, "community": s.order.place.name, "arrival": clock(s.arrival_min),
                               "load_kg": s.load_kg, "part": s.load_kg < s.order.load_kg,
                               "lines": s.order.lines if share >= 1 else
                               [{**line, "quantity": f"≈{line['quantity'] * share:.0f}"} for line in s.order.lines]})
        sheet["load"] += s.load_kg
    return list(sheets.values())


def route_map(run: RouteRun, width: int = 640, height: int = 480) -> dict:
    """What the SVG draws: the depot, each drop point and each vehicle's polyline, in the box's pixels."""
    origin = _where(run.warehouse)
    stops = list(run.stops.select_related("order__place").order_by("route_no", "seq"))
    unserved_ids = [u["order"] for u in run.unserved]
    unserved = list(DeliveryOrder.objects.filter(pk__in=set(unserved_ids)).select_related("place"))
    points = [origin] + [geo.centroid(s.order.place.boundary) for s in stops] + \
        [geo.centroid(o.place.boundary) for o in unserved]
    if origin is None or any(p is None for p in points):
        return {"width": width, "height": height, "depot": None, "routes": [], "unserved": []}
    px = geo.frame(geo.local_km(points, origin), width, height)
    depot, placed, rest = px[0], px[1:1 + len(stops)], px[1 + len(stops):]
    routes: dict[int, dict] = {}
    named: set[int] = set()  # a drop point served in several loads is named once on the map
    for s, (x, y) in zip(stops, placed, strict=True):
        r = routes.setdefault(s.route_no, {"no": s.route_no, "colour": COLOURS[(s.route_no - 1) % len(COLOURS)],
                                           "points": [depot], "stops": []})
        r["points"].append((x, y))
        r["stops"].append({"x": round(x, 1), "y": round(y, 1), "seq": s.seq,
                           "name": "" if s.order.place_id in named else s.order.place.name,
                           "dy": 4 + 14 * sum(1 for t in stops[:stops.index(s)] if t.order.place_id == s.order.place_id)})
        named.add(s.order.place_id)
    for r in routes.values():
        r["points"].append(depot)
        r["path"] = " ".join(f"{x:.1f},{y:.1f}" for x, y in r["points"])
    return {"width": width, "height": height, "depot": {"x": round(depot[0], 1), "y": round(depot[1], 1)},
            "routes": list(routes.values()),
            "unserved": [{"x": round(x, 1), "y": round(y, 1), "name": o.place.name} for o, (x, y) in zip(unserved, rest, strict=True)]}

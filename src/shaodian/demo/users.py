"""The demo logins: one user of every role, all with the password shaodian-demo."""

from shaodian.places.models import Place
from shaodian.security.models import RoleChoice, User

DEMO_PASSWORD = "shaodian-demo"
# Printed once when the demo starts (by `demo-city`, whether it builds the city or finds it).
DEMO_LOGINS = (
    ("grid_a grid_b", "网格员 · grid workers"),
    ("staff_a", "社区工作者 · community staff"),
    ("street_a", "街道指挥部 · street command"),
    ("commander", "区指挥部 · district command"),
    ("cdc", "区疾控中心 · CDC"),
    ("legal", "法制审核 · legal review"),
    ("supply", "保供专班 · supplies"),
    ("guard_a", "卡口值守 · checkpoint guard"),
    ("volunteer_a", "志愿者 · volunteer"),
    ("supervisor", "社会监督员 · supervisor"),
    ("admin", "系统管理员 · administrator"),
)


def logins_text() -> str:
    width = max(len(names) for names, _ in DEMO_LOGINS)
    lines = [f"演示账号，密码 {DEMO_PASSWORD} · Demo logins, password {DEMO_PASSWORD}:"]
    lines += [f"  {names:<{width}}  {role}" for names, role in DEMO_LOGINS]
    return "\n".join(lines)


def build_users(grids: list[Place]) -> dict[str, User]:
    """The demo logins of the brief, all with the password shaodian-demo."""
    grid_a = grids[0]
    community_a = Place.objects.get(pk=grid_a.community_id)
    # grid_b: the first grid of another community.
    grid_b = next(g for g in grids if g.community_id != grid_a.community_id)
    street_a = Place.objects.get(pk=grid_a.street_id)
    district = Place.objects.get(pk=grid_a.district_id)
    city = Place.objects.get(pk=grid_a.city_id)
    spec = [
        ("grid_a", "网格员甲", RoleChoice.GRID_WORKER, grid_a),
        ("grid_b", "网格员乙", RoleChoice.GRID_WORKER, grid_b),
        ("staff_a", "社区工作者甲", RoleChoice.COMMUNITY_STAFF, community_a),
        ("street_a", "街道指挥部甲", RoleChoice.STREET_COMMANDER, street_a),
        ("commander", "区指挥部", RoleChoice.DISTRICT_COMMANDER, district),
        ("cdc", "区疾控中心", RoleChoice.HEALTH_OFFICIAL, district),
        ("legal", "区司法局法制审核", RoleChoice.LEGAL_REVIEWER, district),
        ("supply", "区保供专班", RoleChoice.SUPPLY_OFFICER, district),
        ("guard_a", "卡口值守甲", RoleChoice.CHECKPOINT_GUARD, community_a),
        ("volunteer_a", "志愿者甲", RoleChoice.VOLUNTEER, community_a),
        ("supervisor", "社会监督员", RoleChoice.SUPERVISOR, district),
        ("admin", "系统管理员", RoleChoice.ADMIN, city),
    ]
    users = {}
    for username, display, role, node in spec:
        user, _ = User.objects.update_or_create(
            username=username, defaults={"display_name": display, "role": role, "node": node, "is_active": True}
        )
        if username == "admin":
            user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[username] = user
    return users

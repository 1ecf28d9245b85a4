"""The shape of the tree 市—区—街—社—网: which kind of node may hang under which (pure, no Django)."""

# A node hangs exactly one level below its parent, with one exception the reform of 撤街道并社区
# needs: a community may hang directly under its district once the street level is gone.
# A grid always needs a community and a street always a district: a grid under a street, or a
# street under the city, leaves every row below without the community (or district) column that
# the staff of that level are scoped by, and they lose sight of it.
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    "city": (),
    "district": ("city",),
    "street": ("district",),
    "community": ("street", "district"),
    "grid": ("community",),
}

KIND_ZH = {"city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格"}
KIND_EN = {"city": "city", "district": "district", "street": "street", "community": "community", "grid": "grid"}


def parent_allowed(kind: str, parent_kind: str | None) -> bool:
    """Whether a node of `kind` may hang under a node of `parent_kind` (None: no parent)."""
    allowed = PARENT_KINDS.get(kind)
    if allowed is None:
        return False
    if parent_kind is None:
        return not allowed
    return parent_kind in allowed


def parent_rule(kind: str) -> tuple[str, str]:
    """The rule for `kind` in words, Chinese and English: '网格只能设在社区下' / 'A grid can only hang under a community'."""
    allowed = PARENT_KINDS[kind]
    if not allowed:
        return f"{KIND_ZH[kind]}不能有上级节点", f"A {KIND_EN[kind]} has no parent"
    zh = "或".join(KIND_ZH[k] for k in allowed)
    en = " or ".join(f"a {KIND_EN[k]}" for k in allowed)
    return f"{KIND_ZH[kind]}只能设在{zh}下", f"A {KIND_EN[kind]} can only hang under {en}"

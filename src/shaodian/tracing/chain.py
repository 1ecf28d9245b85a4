"""Transmission chains drawn as SVG: cases → contacts → their contacts, one column per generation.

The graph is built by the caller (ids, labels, kinds); this module only lays it out with networkx
and writes SVG, so it is tested without a database.
"""

from dataclasses import dataclass
from html import escape

import networkx as nx

LABEL_ROOM = 170  # px right of the last column for its labels
FILL = {"case": "#b42318", "close": "#f79009", "secondary": "#fde68a", "proposed": "#ffffff"}


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    kind: str  # case | close | secondary | proposed
    url: str = ""


def layered(nodes: list[Node], edges: list[tuple[str, str]], root: str) -> dict[str, tuple[float, float]]:
    """Positions: x = generation from the root (breadth first), y spread within a generation."""
    g = nx.DiGraph()
    g.add_nodes_from(n.key for n in nodes)
    g.add_edges_from(edges)
    depth = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), root) if root in g else {}
    for n in g.nodes:
        g.nodes[n]["layer"] = depth.get(n, max(depth.values(), default=0) + 1)
    if len(g) == 1:
        return {root: (0.0, 0.0)}
    pos = nx.multipartite_layout(g, subset_key="layer", align="vertical", scale=1.0)
    return {k: (float(x), float(y)) for k, (x, y) in pos.items()}


def to_svg(nodes: list[Node], edges: list[tuple[str, str]], root: str, *, width: int = 720, row: int = 34) -> str:
    """A self-contained SVG (no script, no external style) that fits the page width."""
    if not nodes:
        return ""
    pos = layered(nodes, edges, root)
    layers: dict[float, int] = {}
    for x, _y in pos.values():
        layers[round(x, 6)] = layers.get(round(x, 6), 0) + 1
    height = max(120, row * max(layers.values()) + 40)
    xs = sorted(layers)
    col = {x: i for i, x in enumerate(xs)}
    step = (width - 80 - LABEL_ROOM) / max(1, len(xs) - 1)  # the last column's labels stay inside the drawing

    def place(key):
        x, y = pos[key]
        px = 80 + col[round(x, 6)] * step if len(xs) > 1 else width / 2
        ys = [p[1] for p in pos.values()]
        lo, hi = min(ys), max(ys)
        py = 20 + (height - 40) * (0.5 if hi == lo else (y - lo) / (hi - lo))
        return px, py

    xy = {n.key: place(n.key) for n in nodes}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
           f'role="img" aria-label="chain" font-size="12" font-family="sans-serif">']
    for a, b in edges:
        if a in xy and b in xy:
            (x1, y1), (x2, y2) = xy[a], xy[b]
            out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#98a2b3" stroke-width="1.2"/>')
    for n in nodes:
        x, y = xy[n.key]
        fill = FILL.get(n.kind, FILL["proposed"])
        dash = ' stroke-dasharray="3 2"' if n.kind == "proposed" else ""
        shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{fill}" stroke="#1d2433" stroke-width="1"{dash}/>'
                 f'<text x="{x + 13:.1f}" y="{y + 4:.1f}" fill="#1d2433">{escape(n.label)}</text>')
        if n.url:
            shape = f'<a href="{escape(n.url)}">{shape}</a>'
        out.append(shape)
    out.append("</svg>")
    return "".join(out)

"""What pages draw: highlighted spans, the parties' network and the dashboard charts (SVG).

Everything is built on the server as escaped markup, so the pages need no script library and
no network. SVG uses presentation attributes only (no inline styles), which the page's
Content-Security-Policy allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

# ---------------------------------------------------------------- highlighted judgment text


def highlight(text: str, spans: Sequence[tuple[int, int, str]]) -> Markup:
    """The text with each (start, end, anchor) span wrapped in <mark id=anchor>; overlapping or
    touching spans are merged (the first anchor names the merged mark); spans are clamped."""
    n = len(text)
    cleaned = sorted(
        (max(0, min(s, n)), max(0, min(e, n)), a) for s, e, a in spans if s is not None and e is not None
    )
    merged: list[list[Any]] = []
    for s, e, a in cleaned:
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2].append(a)
        else:
            merged.append([s, e, [a]])
    out: list[str] = []
    pos = 0
    for s, e, anchors in merged:
        out.append(str(escape(text[pos:s])))
        extra = "".join(f'<span id="{escape(a)}" class="anchor"></span>' for a in anchors[1:])
        out.append(f'<mark id="{escape(anchors[0])}">{extra}{escape(text[s:e])}</mark>')
        pos = e
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


# ---------------------------------------------------------------- the parties' network


@dataclass
class Node:
    key: str
    label: str
    kind: str  # subject | document | person | organization
    x: float = 0.0
    y: float = 0.0
    docs: list[int] = field(default_factory=list)


@dataclass
class Edge:
    a: str
    b: str
    label: str


def _short(label: str, limit: int = 12) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def network_svg(
    subject_name: str | None,
    documents: Sequence[dict[str, Any]],
    mask: Callable[[str], str],
    *,
    max_docs: int = 24,
    max_parties: int = 80,
) -> Markup | None:
    """The clue's subject, the evidence documents and their parties as an SVG graph.

    ``documents``: [{doc_id, case_number, parties: [{name, role, kind}]}]. Documents sit on an
    inner circle around the subject; each party sits on the outer circle near the documents it
    appears in, so parties shared by several suits stand out between them.
    """
    docs = [d for d in documents if d.get("doc_id")][:max_docs]
    if not docs:
        return None
    subject = mask(subject_name) if subject_name else None
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    center = Node("subject", subject or "线索对象", "subject")
    nodes[center.key] = center
    for i, d in enumerate(docs):
        key = f"doc:{d['doc_id']}"
        nodes[key] = Node(key, d.get("case_number") or d["doc_id"][:10], "document")
        named_subject = False
        for p in d.get("parties") or []:
            name = mask(p.get("name") or "")
            if not name:
                continue
            if subject and name == subject:
                named_subject = True
                edges.append(Edge("subject", key, p.get("role") or ""))
                continue
            pkey = f"party:{name}"
            if pkey not in nodes:
                if sum(1 for n in nodes.values() if n.kind in ("person", "organization")) >= max_parties:
                    continue
                kind = "organization" if p.get("kind") == "organization" else "person"
                nodes[pkey] = Node(pkey, name, kind)
            nodes[pkey].docs.append(i)
            edges.append(Edge(pkey, key, p.get("role") or ""))
        if not named_subject:
            edges.append(Edge("subject", key, "证据"))
    width, height = 760, 560
    cx, cy = width / 2, height / 2
    r_doc, r_party = 140.0, 245.0
    count = len(docs)
    for i, d in enumerate(docs):
        angle = 2 * math.pi * i / count - math.pi / 2
        node = nodes[f"doc:{d['doc_id']}"]
        node.x, node.y = cx + r_doc * math.cos(angle), cy + r_doc * math.sin(angle)
    parties = [n for n in nodes.values() if n.kind in ("person", "organization")]
    # each party at the mean angle of its documents, then spread apart along the circle
    wanted = []
    for n in parties:
        vx = sum(math.cos(2 * math.pi * i / count - math.pi / 2) for i in n.docs)
        vy = sum(math.sin(2 * math.pi * i / count - math.pi / 2) for i in n.docs)
        wanted.append((math.atan2(vy, vx) if (vx or vy) else 0.0, n))
    wanted.sort(key=lambda t: t[0])
    gap = 2 * math.pi / max(len(wanted), 1)
    placed: list[float] = []
    for angle, _n in wanted:
        if placed and angle - placed[-1] < gap * 0.8:
            angle = placed[-1] + gap * 0.8
        placed.append(angle)
    for angle, (_, n) in zip(placed, wanted, strict=True):
        radius = r_party + (18 if len(n.docs) > 1 else 0)
        n.x, n.y = cx + radius * math.cos(angle), cy + radius * 0.85 * math.sin(angle)
    center.x, center.y = cx, cy

    parts = [
        f'<svg class="network" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="当事人关系图" xmlns="http://www.w3.org/2000/svg">'
    ]
    for e in edges:
        a, b = nodes[e.a], nodes[e.b]
        colour = "#b03a2e" if e.a == "subject" else "#8a94a6"
        parts.append(
            f'<line x1="{a.x:.1f}" y1="{a.y:.1f}" x2="{b.x:.1f}" y2="{b.y:.1f}" stroke="{colour}" '
            f'stroke-width="1.2"><title>{escape(e.label)}</title></line>'
        )
    fills = {"subject": "#b03a2e", "document": "#2c5d8f", "person": "#f2f4f7", "organization": "#fff4e0"}
    for n in nodes.values():
        shared = len(n.docs) > 1
        stroke = "#b03a2e" if shared else "#5b6576"
        text_fill = "#ffffff" if n.kind in ("subject", "document") else "#1f2933"
        label = escape(_short(n.label, 14 if n.kind == "document" else 10))
        if n.kind == "document":
            w = 12 * min(len(n.label), 14) * 0.62 + 16
            parts.append(
                f'<g class="node document"><rect x="{n.x - w / 2:.1f}" y="{n.y - 11:.1f}" width="{w:.1f}" '
                f'height="22" rx="4" fill="{fills[n.kind]}"/><title>{escape(n.label)}</title>'
                f'<text x="{n.x:.1f}" y="{n.y + 4:.1f}" text-anchor="middle" font-size="11" '
                f'fill="{text_fill}">{label}</text></g>'
            )
        else:
            radius = 30 if n.kind == "subject" else 20 + (4 if shared else 0)
            parts.append(
                f'<g class="node {n.kind}"><circle cx="{n.x:.1f}" cy="{n.y:.1f}" r="{radius}" '
                f'fill="{fills[n.kind]}" stroke="{stroke}" stroke-width="{2 if shared else 1}"/>'
                f"<title>{escape(n.label)}（{len(n.docs) or count} 份文书）</title>"
                f'<text x="{n.x:.1f}" y="{n.y + 4:.1f}" text-anchor="middle" font-size="11" '
                f'fill="{text_fill}">{label}</text></g>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- charts


def funnel_svg(stages: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per funnel stage, widths relative to the first stage."""
    width, bar_h, gap, label_w = 640, 30, 10, 90
    top = max((v for _, v in stages), default=0) or 1
    height = len(stages) * (bar_h + gap) + gap
    parts = [
        f'<svg class="chart funnel" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="线索漏斗" xmlns="http://www.w3.org/2000/svg">'
    ]
    span = width - label_w - 80
    for i, (name, value) in enumerate(stages):
        y = gap + i * (bar_h + gap)
        w = max(2.0, span * value / top)
        x = label_w + (span - w) / 2
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.65:.1f}" text-anchor="end" font-size="14" '
            f'fill="#1f2933">{escape(name)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="#2c5d8f"/>'
            f'<text x="{label_w + span + 8}" y="{y + bar_h * 0.65:.1f}" font-size="14" '
            f'fill="#1f2933">{value:,}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(rows: Sequence[tuple[str, int, str]], *, label: str) -> Markup:
    """Horizontal bars (name, value, note) sorted as given, widths relative to the largest."""
    width, bar_h, gap, label_w = 640, 22, 8, 220
    top = max((v for _, v, _ in rows), default=0) or 1
    height = max(len(rows), 1) * (bar_h + gap) + gap
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    span = width - label_w - 150
    for i, (name, value, note) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(2.0, span * value / top)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1f2933">{escape(_short(name, 26))}<title>{escape(name)}</title></text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="2" fill="#6b8fb8"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="12" '
            f'fill="#1f2933">{value:,} {escape(note)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))

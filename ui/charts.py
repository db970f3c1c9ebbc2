"""Inline SVG charts of ledger tables, and the cell texts they share with the table.

A timeline is a line chart (targets dashed with rings, outcomes solid with dots, a range
target as an error bar); a cross-region comparison or an outcome is a bar chart. Every
point is an ``<a href="#sq-KEY-n">`` to the citation card of the paragraph that states it.
Sizes are in pixels: the chat's sanitizer drops ``viewBox``.
"""
from __future__ import annotations

import math
from collections import Counter
from html import escape
from typing import Any, NamedTuple

from rag.text.places import NATIONAL, PROVINCE_LEVEL
from rag.text.quantities import SCALES, split_unit, written_value
from rag.types import Table, TableRow

KIND_LABELS = {"target": "目标", "actual": "实际"}
COLOURS = {"target": "#d97706", "actual": "#1d4ed8"}
# The chart box in pixels: left margin for tick labels, bottom for the x labels.
W, H, LEFT, RIGHT, TOP, BOTTOM = 560, 240, 56, 16, 28, 36


def esc(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def region_label(region: str) -> str:
    """全国 or a province as is; the district speech's long masked region as 某区."""
    return region if region == NATIONAL or region in PROVINCE_LEVEL or len(region) <= 8 else "某区（区委书记讲话）"


def as_written(row: TableRow) -> str:
    """The value as the document writes it: the last quantity of the span (增长5%左右 → 5%左右)."""
    return written_value(row.text) or f"{row.value:g}{row.unit}{row.qualifier}"



class _Point(NamedTuple):
    row: TableRow
    x: Any  # the year on a timeline, the region or year category on a bar chart
    low: float
    high: float | None

    @property
    def mid(self) -> float:
        return self.low if self.high is None else (self.low + self.high) / 2


def _split_unit(unit: str) -> tuple[float, str]:
    """(scale factor, base unit): 万亿元 → (1e12, 元); % → (1, %)."""
    scale, base = split_unit(unit)
    return float(SCALES[scale]), base


def _points(table: Table) -> tuple[str, list[_Point], int]:
    """(unit, points, rows left out): the first row per (category, target/actual), converted
    to the table's most common unit; a row in another kind of unit (万吨 beside 亿斤) is left out."""
    unit = Counter(r.unit for r in table.rows).most_common(1)[0][0]
    scale, base = _split_unit(unit)
    points, seen, skipped = [], set(), 0
    for r in table.rows:
        x = r.region if table.kind == "cross_region" else r.year
        s, b = _split_unit(r.unit)
        if b != base or (x, r.kind) in seen:
            skipped += b != base
            continue
        seen.add((x, r.kind))
        factor = s / scale
        points.append(_Point(r, x, r.value * factor, None if r.value_high is None else r.value_high * factor))
    return unit, points, skipped


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (a flat series gets some room around it)."""
    if hi - lo < 1e-9:
        pad = max(abs(lo) * 0.1, 0.5)
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _fmt(v: float) -> str:
    return format(round(v, 4), "f").rstrip("0").rstrip(".") or "0"


def _frame(ticks: list[float], y, width: int, unit: str) -> str:
    """Grid lines with tick labels, and the unit in the top-left corner."""
    lines = "".join(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e2e8f0"/>'
                    f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="11" fill="#64748b">'
                    f"{_fmt(t)}</text>" for t in ticks)
    return lines + f'<text x="4" y="14" font-size="11" fill="#64748b">单位：{esc(unit)}</text>'


def _legend(kinds: list[str], width: int) -> str:
    left = width - RIGHT - 110
    return "".join(f'<rect x="{left + i * 56}" y="6" width="10" height="10" fill="{COLOURS[k]}"/>'
                   f'<text x="{left + 14 + i * 56}" y="15" font-size="11" fill="#334155">{KIND_LABELS[k]}</text>'
                   for i, k in enumerate(kinds))


def _link(p: _Point, key: str, shape: str) -> str:
    """A point or bar as a link to its citation card, with a tooltip naming the value and source."""
    r = p.row
    tip = f"{r.year}年 {region_label(r.region)} {KIND_LABELS.get(r.kind, r.kind)}：{as_written(r)}（出处 [{r.citation}]）"
    return (f'<a class="sq-pt sq-pt-{esc(r.kind)}" href="#sq-{key}-{r.citation}">{shape}'
            f"<title>{esc(tip)}</title></a>")


def _line_chart(points: list[_Point], unit: str, key: str, kinds: list[str]) -> str:
    """x = year, y = value; a line per kind; a range target as an error bar around its point."""
    years = sorted({p.x for p in points})
    lo, hi = min(p.low for p in points), max(p.high or p.low for p in points)
    ticks = _ticks(lo - (hi - lo) * 0.12, hi + (hi - lo) * 0.12)  # room for the labels above and below
    span, inset = (years[-1] - years[0]) or 1, 28  # room for the first and last value labels
    x = ((lambda yr: LEFT + inset + (W - LEFT - RIGHT - 2 * inset) * (yr - years[0]) / span) if len(years) > 1
         else (lambda yr: (W + LEFT) / 2))
    y = lambda v: TOP + (H - TOP - BOTTOM) * (1 - (v - ticks[0]) / (ticks[-1] - ticks[0]))  # noqa: E731
    shown = [years[0]]
    for yr in years[1:]:  # year labels at least 34 px apart
        shown += [yr] if x(yr) - x(shown[-1]) >= 34 else []
    parts = [_frame(ticks, y, W, unit)] + [
        f'<text x="{x(yr):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="11" fill="#64748b">{yr}</text>'
        for yr in shown]
    for kind in kinds:
        series = sorted((p for p in points if p.row.kind == kind), key=lambda p: p.x)
        line = " ".join(f"{x(p.x):.1f},{y(p.mid):.1f}" for p in series)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{COLOURS[kind]}" stroke-width="2"'
                     + (' stroke-dasharray="5 3"' if kind == "target" else "") + "/>")
        parts += [_link(p, key, _dot(p, x(p.x), y, labelled=len(points) <= 12)) for p in series]
    return _svg(W, "".join(parts) + _legend(kinds, W))


def _dot(p: _Point, cx: float, y, labelled: bool) -> str:
    """A point at the middle of its value, a range as a pale bar, the value as written beside it
    (a target's above, an outcome's below, so the two labels stay apart where they meet)."""
    colour = COLOURS[p.row.kind]
    bar = (f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(p.low):.1f}" y2="{y(p.high):.1f}" stroke="{colour}" '
           f'stroke-width="6" stroke-opacity="0.35"/>' if p.high is not None else "")
    ly = y(p.high or p.low) - 9 if p.row.kind == "target" else y(p.low) + 17
    label = (f'<text x="{cx:.1f}" y="{ly:.1f}" text-anchor="middle" font-size="10" fill="{colour}">'
             f'{esc(as_written(p.row))}</text>' if labelled else "")
    # A target is a ring, an outcome a dot: where the two are equal both stay visible and clickable.
    dot = (f'r="{6 if labelled else 4}" fill="#fff" stroke="{colour}" stroke-width="2.5"' if p.row.kind == "target"
           else f'r="{4.5 if labelled else 3.5}" fill="{colour}" stroke="#fff" stroke-width="1"')
    return f'{bar}<circle cx="{cx:.1f}" cy="{y(p.mid):.1f}" {dot}/>{label}'


def _bar_chart(points: list[_Point], unit: str, key: str, kinds: list[str]) -> str:
    """A group of bars per category (region or year), a bar per kind; a range's upper part lighter."""
    cats = list(dict.fromkeys(p.x for p in points))
    width = max(W, LEFT + RIGHT + len(cats) * (len(kinds) * 44 + 12))
    ticks = _ticks(min(0.0, *(p.low for p in points)), max(0.0, *(p.high or p.low for p in points)))
    y = lambda v: TOP + (H - TOP - BOTTOM) * (1 - (v - ticks[0]) / (ticks[-1] - ticks[0]))  # noqa: E731
    band = (width - LEFT - RIGHT) / len(cats)
    bar = band * 0.8 / len(kinds)
    parts = [_frame(ticks, y, width, unit)]
    for ci, cat in enumerate(cats):
        name = f"{cat}年" if isinstance(cat, int) else region_label(cat)
        parts.append(f'<text x="{LEFT + band * (ci + 0.5):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11" fill="#64748b">{esc(name[:6])}</text>')
    for p in points:
        x0 = LEFT + band * (cats.index(p.x) + 0.1) + bar * kinds.index(p.row.kind)
        top, zero, colour = y(max(p.low, 0)), y(0), COLOURS[p.row.kind]
        rect = (f'<rect x="{x0:.1f}" y="{min(y(p.low), zero):.1f}" width="{bar - 2:.1f}" '
                f'height="{max(abs(zero - y(p.low)), 1):.1f}" fill="{colour}"/>')
        if p.high:
            rect += (f'<rect x="{x0:.1f}" y="{y(p.high):.1f}" width="{bar - 2:.1f}" '
                     f'height="{y(p.low) - y(p.high):.1f}" fill="{colour}" fill-opacity="0.4"/>')
        label = (f'<text x="{x0 + bar / 2:.1f}" y="{min(top, y(p.high or p.low)) - 4:.1f}" text-anchor="middle" '
                 f'font-size="10" fill="{colour}">{esc(as_written(p.row))}</text>' if bar >= 34 else "")
        parts.append(_link(p, key, rect + label))
    return _svg(width, "".join(parts) + _legend(kinds, width))


def _svg(width: int, body: str) -> str:
    return (f'<div class="sq-chart-wrap" style="overflow-x:auto"><svg class="sq-chart" '
            f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{H}">{body}</svg></div>')


def chart_svg(table: Table, key: str) -> str:
    """The table's chart: a line chart for a timeline, bars for cross-region and outcome tables."""
    if not table.rows:
        return ""
    unit, points, skipped = _points(table)
    kinds = [k for k in KIND_LABELS if any(p.row.kind == k for p in points)]
    draw = _line_chart if table.kind == "timeline" else _bar_chart
    note = f'<div class="sq-meta">单位不同的 {skipped} 个数值未绘入图中，见下表。</div>' if skipped else ""
    return draw(points, unit, key, kinds) + note

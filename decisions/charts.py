"""Bar charts as SVG geometry, drawn by the server: the statistics page's chart works without
JavaScript and asks no other site for anything. The template only places what this computes
(bars, ticks, texts); the table beside the chart holds the same numbers for screen readers,
and the SVG names itself with a title and a description.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# The drawing's own units (the SVG scales to its box): the plot area inside the margins.
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 28, 10, 30
# At most this many period labels under the bars, so they never overlap.
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # what a pointer hovering the bar reads: the period and its value


@dataclass(frozen=True)
class Tick:
    at: float  # x for a period label, y for a value label
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def bar_chart(
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float],
    show: Callable[[float], str],
    *,
    ceiling: float | None = None,
) -> BarChart:
    """Bars of `values` (one per label, from 0), with the axis rounded up to a round number
    (capped at `ceiling`); `show` writes a value for the labels and the bars' titles."""
    top = _round_up(max(values, default=0))
    if ceiling is not None:
        top = min(top, ceiling)
    top = top or 1
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(values), 1)
    bars = []
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = plot_height * min(value, top) / top
        bars.append(
            Bar(
                x=round(LEFT + n * slot + slot * 0.1, 2),
                y=round(TOP + plot_height - height, 2),
                width=round(slot * 0.8, 2),
                height=round(height, 2),
                title=f"{label}: {show(value)}",
            )
        )
    every = math.ceil(len(labels) / MAX_X_LABELS) or 1
    x_ticks = [
        Tick(round(LEFT + n * slot + slot / 2, 2), label)
        for n, label in enumerate(labels)
        if n % every == 0
    ]
    y_ticks = [
        Tick(round(TOP + plot_height * (1 - share), 2), show(top * share)) for share in (0, 0.5, 1)
    ]
    return BarChart(title, description, bars, x_ticks, y_ticks)


def _round_up(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 0
    power = 10 ** math.floor(math.log10(value))
    return next(power * step for step in (1, 2, 2.5, 5, 10) if power * step >= value)

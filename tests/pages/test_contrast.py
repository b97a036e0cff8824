"""The stylesheet's colour pairs pass WCAG AA contrast (4.5:1 for text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).parents[2] / "src" / "pathways" / "web" / "static" / "pathways.css"
WHITE = "#ffffff"


def colours() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", CSS.read_text()))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# (text, background) as the stylesheet uses them
PAIRS = [
    ("ink", "paper"),
    ("muted", "paper"),
    ("brand", "paper"),
    ("danger", "paper"),
    ("ink", "tint"),
    ("muted", "tint"),
    ("brand", "tint"),
    ("warn-ink", "warn-bg"),
    ("ink", "ok-bg"),
    (WHITE, "brand"),
    (WHITE, "danger"),
]


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_pass_aa(text, background):
    named = colours()
    fore = named.get(text, text)
    back = named.get(background, background)
    assert contrast(fore, back) >= 4.5


def test_the_focus_ring_stands_out_from_the_page():
    named = colours()
    assert contrast(named["focus"], named["paper"]) >= 3  # non-text contrast

"""The HTML page of ``backward_steps``: every frame's drawing inline, one shown at a time.

Self-contained (no network, no files beside it): a range slider, previous/next buttons and the
left/right arrow keys move between frames; ``document.body.dataset.step`` holds the frame shown
(the browser test reads it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .steps import Frame

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1em; }
#controls { display: flex; align-items: center; gap: 0.6em; flex-wrap: wrap; }
#step { flex: 1; min-width: 12em; }
#title { font-weight: bold; margin-top: 0.6em; }
#rule { font-family: monospace; color: #8b1a1a; min-height: 1.2em; }
.frame svg { max-width: 100%; height: auto; }
"""

SCRIPT = """
const frames = Array.from(document.querySelectorAll('.frame'));
const slider = document.getElementById('step');
function show(k) {
  k = Math.max(0, Math.min(frames.length - 1, k));
  frames.forEach((f, i) => { f.hidden = i !== k; });
  slider.value = k;
  document.getElementById('title').textContent = frames[k].dataset.title;
  document.getElementById('rule').textContent = frames[k].dataset.rule;
  document.getElementById('count').textContent = (k + 1) + ' / ' + frames.length;
  document.body.dataset.step = k;
}
slider.addEventListener('input', () => show(Number(slider.value)));
document.getElementById('prev').addEventListener('click', () => show(Number(slider.value) - 1));
document.getElementById('next').addEventListener('click', () => show(Number(slider.value) + 1));
document.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowRight') { show(Number(slider.value) + 1); e.preventDefault(); }
  if (e.key === 'ArrowLeft') { show(Number(slider.value) - 1); e.preventDefault(); }
});
show(0);
"""


def page(frames: Sequence[Frame], title: str) -> str:
    """The whole page as a string."""
    body = "\n".join(
        f'<div class="frame" data-title="{html.escape(f.title)}" data-rule="{html.escape(f.rule)}" hidden>{f.svg}</div>'
        for f in frames
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head>\n<body>\n<h3>{html.escape(title)}</h3>\n"
        '<div id="controls"><button id="prev" title="previous (left arrow)">&#9664;</button>'
        f'<input type="range" id="step" min="0" max="{len(frames) - 1}" value="0" aria-label="step">'
        '<button id="next" title="next (right arrow)">&#9654;</button><span id="count"></span></div>\n'
        '<div id="title"></div><div id="rule"></div>\n'
        f"{body}\n<script>{SCRIPT}</script>\n</body></html>\n"
    )


def iframe(frames: Sequence[Frame]) -> str:
    """The page inside an ``<iframe srcdoc>``, tall enough for the tallest drawing (Jupyter's inline view)."""
    heights = [float(m.group(1)) for f in frames if (m := re.search(r'height="([\d.]+)pt"', f.svg))]
    height = min(900, int(max(heights, default=300) * 4 / 3) + 150)
    source = html.escape(page(frames, "Stepping through backward()"), quote=True)
    return f'<iframe srcdoc="{source}" style="width: 100%; height: {height}px; border: 1px solid #ddd"></iframe>'

"""Look at an exported deck the way a person would: render its HTML in Chromium and measure each slide.

A slide fails when its content runs past the 16:9 frame (below the bottom
padding, where the footer and page number sit, or past the right edge) or
when a figure is shown below ``READABLE_SCALE`` of its own size (matplotlib
draws the lessons' labels at about 10 pt; smaller than that a projector shows
them as smudges). Needs Playwright for Python and a Chromium
(``slides_export.chromium``).

``python -m coursekit.authoring.deck_check slides/*.html`` prints one line per
problem and exits 1 when there is any.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .slides_export import ExportToolMissing, chromium

__all__ = ["READABLE_SCALE", "SLIDE_SIZE", "SlideProblem", "measure", "problems", "check_html", "main"]

READABLE_SCALE = 0.6  # a figure shown smaller than this share of its pixels is too small to read
SLIDE_SIZE = (1280, 720)
TOLERANCE_PX = 2

# Per slide: the bottom and right edge of its content (header and footer left out),
# the limits the padding sets, and each image's own and shown size.
_MEASURE = """() => [...document.querySelectorAll('section[id]')].map(s => {
  const style = getComputedStyle(s);
  let bottom = 0, right = 0;
  for (const c of s.children) {
    if (c.tagName === 'HEADER' || c.tagName === 'FOOTER') continue;
    bottom = Math.max(bottom, c.offsetTop + c.offsetHeight);
    right = Math.max(right, c.offsetLeft + Math.max(c.offsetWidth, c.scrollWidth));
  }
  const images = [...s.querySelectorAll('img')].map(i => ({
    src: i.getAttribute('src'), natural: [i.naturalWidth, i.naturalHeight], shown: [i.offsetWidth, i.offsetHeight]}));
  return {number: Number(s.id), height: s.clientHeight, width: s.clientWidth,
          bottomLimit: s.clientHeight - parseFloat(style.paddingBottom),
          rightLimit: s.clientWidth - parseFloat(style.paddingRight), bottom, right, images,
          heading: (s.querySelector('h1, h2, h3') || {textContent: ''}).textContent};
})"""


@dataclass(frozen=True)
class SlideProblem:
    slide: int
    heading: str
    what: str

    def __str__(self) -> str:
        return f"slide {self.slide} ({self.heading}): {self.what}"


def measure(html: Path) -> list[dict]:
    """Render ``html`` in headless Chromium at 1280x720; the measurements of every slide."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise ExportToolMissing(f"Playwright for Python is needed to check decks ({err})") from err
    html = Path(html)
    if not html.is_file():
        raise FileNotFoundError(f"no exported deck at {html}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page(viewport={"width": SLIDE_SIZE[0], "height": SLIDE_SIZE[1]})
            page.goto(html.resolve().as_uri())
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            return page.evaluate(_MEASURE)
        finally:
            browser.close()


def problems(slides: list[dict], readable_scale: float = READABLE_SCALE) -> list[SlideProblem]:
    """What a person would object to in measured slides: overflow, broken or too-small figures."""
    if not 0 < readable_scale <= 1:
        raise ValueError(f"readable_scale must be in (0, 1], got {readable_scale}")
    found = []
    for slide in slides:
        number, heading = slide["number"], slide["heading"].strip()
        if (slide["width"], slide["height"]) != SLIDE_SIZE:
            found.append(SlideProblem(number, heading, f"frame is {slide['width']}x{slide['height']}, not 16:9 1280x720"))
        if slide["bottom"] > slide["bottomLimit"] + TOLERANCE_PX:
            found.append(SlideProblem(number, heading, f"content runs {slide['bottom'] - slide['bottomLimit']:.0f} px below the frame"))
        if slide["right"] > slide["rightLimit"] + TOLERANCE_PX:
            found.append(SlideProblem(number, heading, f"content runs {slide['right'] - slide['rightLimit']:.0f} px past the right edge"))
        for image in slide["images"]:
            (natural_w, natural_h), (shown_w, shown_h) = image["natural"], image["shown"]
            if natural_w == 0 or natural_h == 0:
                found.append(SlideProblem(number, heading, f"image {image['src']} did not load"))
                continue
            scale = min(shown_w / natural_w, shown_h / natural_h)
            if scale < readable_scale:
                found.append(SlideProblem(
                    number, heading,
                    f"image {image['src']} shown at {scale:.0%} of its size ({shown_w}x{shown_h} of {natural_w}x{natural_h}), "
                    f"below the readable {readable_scale:.0%}",
                ))
    return found


def check_html(html) -> list[SlideProblem]:
    """Render an exported deck and list its problems (empty when a person could present it as it is)."""
    return problems(measure(Path(html)))


def main(argv: list[str]) -> int:
    failed = False
    for path in argv:
        found = check_html(path)
        for problem in found:
            print(f"{path}: {problem}")
        print(f"{path}: {'OK' if not found else f'{len(found)} problems'}")
        failed |= bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

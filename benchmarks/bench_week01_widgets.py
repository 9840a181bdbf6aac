"""Week 1 widget latency: the time from a knob change to a new picture, at 512x512.

A "callback" is everything the kernel does after a slider moves: the color
conversion, thresholding, stacking the panels and PNG-encoding the picture.
Target: median at most 0.2 s on a 2-core CPU.
"""

from __future__ import annotations

import itertools

from coursekit.datasets import photo
from coursekit.env import set_threads
from coursekit.widgets.base import fit
from coursekit.widgets.week01 import ColorSpaceExplorer, HsvThreshold

from .common import print_table, summarize, time_calls

TARGET_S = 0.2
SIZE = 512


def photos() -> dict:
    # astronaut is 512x512 already; the others are scaled so the longer side is 512
    return {name: fit(photo(name), SIZE) for name in ("astronaut", "coffee", "flower")}


def explorer_actions(widget: ColorSpaceExplorer) -> dict[str, list]:
    spaces = itertools.cycle(["Lab", "YCrCb", "RGB", "HSV"])

    def first_visit():  # nothing cached: convert the whole photo, then encode
        widget._converted.clear()
        widget.space.value = next(spaces)

    return {
        "color space, first visit (convert + encode)": [first_visit for _ in range(24)],
        "color space, seen before (encode)": [lambda: setattr(widget.space, "value", next(spaces)) for _ in range(24)],
        "channel (encode)": [
            lambda c=c: setattr(widget.channel, "value", c) for c in itertools.islice(itertools.cycle(["H", "S", "V"]), 24)
        ],
        "photo": [
            lambda n=n: setattr(widget.photo, "value", n)
            for n in itertools.islice(itertools.cycle(["coffee", "flower", "astronaut"]), 24)
        ],
    }


def threshold_actions(widget: HsvThreshold) -> dict[str, list]:
    return {
        "hue range slider": [lambda lo=lo: setattr(widget.hue, "value", (lo, lo + 20)) for lo in range(0, 150, 6)],
        "saturation range slider": [
            lambda lo=lo: setattr(widget.saturation, "value", (lo, 255)) for lo in range(0, 250, 10)
        ],
        "wrap checkbox": [lambda v=v: setattr(widget.wrap, "value", v) for v in [True, False] * 12],
    }


def main() -> list[dict]:
    set_threads(2)
    images = photos()
    rows = []
    explorer = ColorSpaceExplorer(images, size=SIZE)
    for name, actions in explorer_actions(explorer).items():
        explorer.space.value = "HSV"  # the channel knob cycles H, S, V
        rows.append(summarize(f"ColorSpaceExplorer: {name}", time_calls(actions), TARGET_S))
    threshold = HsvThreshold(images, size=SIZE)
    for name, actions in threshold_actions(threshold).items():
        rows.append(summarize(f"HsvThreshold: {name}", time_calls(actions), TARGET_S))
    print_table(f"Week 1 widgets: callback latency at {SIZE}x{SIZE} (2 threads)", rows)
    return rows


if __name__ == "__main__":
    main()

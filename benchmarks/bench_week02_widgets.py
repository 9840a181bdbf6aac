"""Week 2 widget latency: the time from a knob change to a new picture.

A "callback" is everything the kernel does after a control changes: filling
the kernel cells, the convolution, drawing the grids or colormapping the
feature maps, and PNG-encoding the picture. The KernelEditor is timed at
256 and 512 pixels; the FeatureMapViewer on the shipped digit classifier
(an untrained one when its checkpoint is not built yet: the timing is the same).
Target: median at most 0.2 s on a 2-core CPU.
"""

from __future__ import annotations

import itertools

import torch

from coursekit.datasets import digits, photo
from coursekit.env import set_threads
from coursekit.widgets.base import fit
from coursekit.widgets.week02 import FeatureMapViewer, KernelEditor, SlidingWindow

from .common import print_table, summarize, time_calls

TARGET_S = 0.2
SIZES = (256, 512)
CALLS = 24


def setter(control, values, count: int = CALLS) -> list:
    """``count`` actions that each set ``control`` to the next of ``values`` (cycled).

    One shared iterator: the warm-up calls use values too, so every timed call
    is a real change (neighbouring values must differ, also at the wrap-around).
    """
    values = itertools.cycle(values)
    return [lambda: setattr(control, "value", next(values)) for _ in range(count)]


def photos(size: int) -> dict:
    return {name: fit(photo(name), size) for name in ("astronaut", "coffee", "flower")}


def editor_actions(editor: KernelEditor) -> dict[str, list]:
    return {
        # each preset differs from the one before, so every call refills the cells and filters again
        "preset, 3x3 (fill 9 cells + filter)": setter(editor.preset, ["sobel_x", "sharpen", "laplacian", "box"]),
        "preset, 5x5 (fill 25 cells + filter)": setter(editor.preset, ["gaussian5", "box5"]),
        "cell edit (free kernel + filter)": setter(editor.cells[12], [2.0, 3.0, -1.0, 0.5]),
        "display mapping (reuses the filtered values)": setter(editor.normalize, ["abs", "minmax", "clip"]),
        "gray checkbox (filter)": setter(editor.gray, [True, False]),
    }


def window_actions(window: SlidingWindow) -> dict[str, list]:
    return {
        "kernel size": setter(window.kernel_size, [1, 2, 3, 4, 5]),
        "padding": setter(window.padding, [0, 1, 2, 3]),
        "stride": setter(window.stride, [1, 2, 3]),
        "output position": setter(window.position, range(0, 169, 7)),
    }


def classifier():
    from coursekit.metrics import reference_classifier

    try:
        return reference_classifier()
    except Exception as error:  # the checkpoint may not be built yet
        from coursekit.models.classifier import DigitClassifier

        print(f"note: checkpoint not loaded ({type(error).__name__}: {error}); timing an untrained DigitClassifier")
        torch.manual_seed(0)
        return DigitClassifier()


def viewer_actions(viewer: FeatureMapViewer) -> dict[str, list]:
    indices = itertools.cycle(list(range(1, len(viewer.digits))) + [0])

    def new_digit():
        index = next(indices)
        viewer._cache.pop(index, None)  # as if never seen: run the model again
        viewer.digit.value = index

    return {
        "layer": setter(viewer.layer, [1, 2, 0]),
        "channel": setter(viewer.channel, range(16)),
        "all-channels checkbox (layer 3, 64 maps)": setter(viewer.all_channels, [True, False]),
        "grid: layer switch (16/32/64 maps)": setter(viewer.layer, [1, 2, 0]),
        "grid: channel (moves the frame)": setter(viewer.channel, range(16)),
        "digit (cache miss: run the model)": [new_digit for _ in range(CALLS)],
    }


def main() -> list[dict]:
    set_threads(2)
    rows = []
    for size in SIZES:
        editor = KernelEditor(photos(size), size=size)
        for name, actions in editor_actions(editor).items():
            editor.preset.value = "sharpen"
            editor.gray.value = False
            editor.normalize.value = "clip"
            rows.append(summarize(f"KernelEditor {size}px: {name}", time_calls(actions), TARGET_S))

    window = SlidingWindow()
    for name, actions in window_actions(window).items():
        window.kernel_size.value, window.padding.value, window.stride.value = 1, 3, 1  # 13x13 outputs
        rows.append(summarize(f"SlidingWindow: {name}", time_calls(actions), TARGET_S))

    images, labels = digits("test")
    viewer = FeatureMapViewer(classifier(), images[:8], labels[:8])
    for name, actions in viewer_actions(viewer).items():
        viewer.all_channels.value = name.startswith("grid")
        viewer.layer.value = 2 if name.startswith("all-channels") else 0
        rows.append(summarize(f"FeatureMapViewer: {name}", time_calls(actions), TARGET_S))
    print_table("Week 2 widgets: callback latency (2 threads)", rows)
    return rows


if __name__ == "__main__":
    main()

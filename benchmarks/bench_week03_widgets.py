"""Week 3 widget latency: the time from a knob change to a new picture.

A "callback" is everything the kernel does after a control changes: running
the generator (and the classifier that reads its digits), drawing the strip,
grid or bar chart, and PNG-encoding the picture. The generators are the
shipped ``dcgan`` and ``stylegan`` checkpoints when they are built (untrained
models of the same size otherwise: the timing is the same); the digits are
read by the shipped classifier. Target: median at most 1 s on a 2-core CPU
(a generative widget; the widgets aim for 0.3 s).
"""

from __future__ import annotations

import itertools

import torch

from coursekit.env import set_threads
from coursekit.models.gan import Generator
from coursekit.models.stylegan import StyleGenerator
from coursekit.widgets.week03 import LatentWalk, StyleMixer, TruncationExplorer

from .bench_week02_widgets import CALLS, classifier, setter
from .common import print_table, summarize, time_calls

TARGET_S = 1.0
PSIS = [round(0.05 * i, 2) for i in range(31)]  # every slider stop, 0 .. 1.5


def generator(name: str, model: torch.nn.Module) -> torch.nn.Module:
    """The shipped checkpoint ``name`` loaded into ``model``, or ``model`` untrained (with a note)."""
    from coursekit.checkpoints import list_checkpoints, load_checkpoint

    if name in list_checkpoints():
        try:
            return load_checkpoint(name, model).eval()
        except Exception as error:  # a checkpoint of another shape: time the untrained model
            print(f"note: checkpoint {name!r} not loaded ({type(error).__name__}: {error}); timing an untrained model")
    else:
        print(f"note: no {name!r} checkpoint built yet; timing an untrained {type(model).__name__}")
    return model.eval()


def walk_actions(walk: LatentWalk) -> dict[str, list]:
    sliders = itertools.cycle(range(len(walk.offsets)))
    values = itertools.cycle([0.5, -1.0, 2.0, -2.5, 1.5])

    def other_direction():  # the strip switches to another direction
        walk.offsets[next(sliders)].value = next(values)

    return {
        "direction slider (8 digits + readings)": setter(walk.offsets[0], [0.3, -0.9, 1.8, -2.4, 2.7, -0.3]),
        "switch direction (strip changes)": [other_direction for _ in range(CALLS)],
        "start seed (new code)": setter(walk.start, range(1, 200, 7)),
    }


def truncation_actions(explorer: TruncationExplorer) -> dict[str, list]:
    misses = itertools.cycle(p for p in PSIS if p != 1.0)

    def miss():
        psi = next(misses)
        explorer._cache.pop(explorer._key(psi), None)  # as if never measured: sample and classify again
        explorer.psi.value = psi

    return {
        f"psi miss ({max(explorer.n, explorer.measure_n)} samples+classifier)": [miss for _ in range(CALLS)],
        "psi hit (cached: redraw only)": setter(explorer.psi, [p for p in PSIS if p != 1.0]),
    }


def mixer_actions(mixer: StyleMixer) -> dict[str, list]:
    coarse = itertools.cycle(range(2, 999, 13))

    def new_seed():
        seed = next(coarse)
        mixer._ws.pop(seed, None)  # as if never seen: map z to w again
        mixer.coarse_seed.value = seed

    return {
        "crossover layer": setter(mixer.crossover, [1, 2, 3, 4, 5, 6, 0]),
        "coarse seed (new w)": [new_seed for _ in range(CALLS)],
        "fine seed": setter(mixer.fine_seed, range(3, 999, 17)),
    }


def main() -> list[dict]:
    set_threads(2)
    torch.manual_seed(0)
    dcgan = generator("dcgan", Generator())
    stylegan = generator("stylegan", StyleGenerator())
    reader = classifier()
    rows = []
    for label, model in (("DCGAN", dcgan), ("StyleGAN", stylegan)):
        walk = LatentWalk(model, classifier=reader)
        for name, actions in walk_actions(walk).items():
            walk.reset()
            rows.append(summarize(f"LatentWalk {label}: {name}", time_calls(actions), TARGET_S))
    for label, model in (("DCGAN", dcgan), ("StyleGAN", stylegan)):
        explorer = TruncationExplorer(model, classifier=reader)
        for name, actions in truncation_actions(explorer).items():
            explorer.psi.value = 1.0
            rows.append(summarize(f"TruncationExplorer {label}: {name}", time_calls(actions), TARGET_S))
    mixer = StyleMixer(stylegan)
    for name, actions in mixer_actions(mixer).items():
        rows.append(summarize(f"StyleMixer: {name}", time_calls(actions), TARGET_S))
    print_table("Week 3 widgets: callback latency (2 threads; generators and classifier run on 1)", rows)
    return rows


if __name__ == "__main__":
    main()

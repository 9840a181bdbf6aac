"""``coursekit sample NAME -n N --seed S --out FILE.npz``: samples of a shipped generator for graders."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np


__all__ = ["add_command"]

def _one_line_error(parser, message):
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    sys.exit(1)


def add_command(commands) -> None:
    from .generators import GENERATORS

    sample = commands.add_parser(
        "sample", help="write samples of a shipped generator to an .npz file",
        description="Images as float32 in [0, 1], shape (N, 1, 28, 28) or (N, 1, 32, 32), under 'images'; "
                    "'labels' too for class-conditional models. Generators: "
                    + ", ".join(f"{n} ({g.description})" for n, g in GENERATORS.items()),
    )
    sample.error = types.MethodType(_one_line_error, sample)  # a bad option: one line, exit status 1
    sample.add_argument("name", metavar="NAME", help=f"one of: {', '.join(GENERATORS)}")
    sample.add_argument("-n", type=int, default=1000, help="how many samples (default 1000)")
    sample.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    sample.add_argument("--out", required=True, help="the .npz file to write")
    sample.add_argument("--label", type=int, help="the class to draw (class-conditional models)")
    sample.add_argument("--guidance", type=float, help="classifier-free guidance scale (diffusion models)")
    sample.add_argument("--steps", type=int, help="sampler steps (diffusion models)")
    sample.set_defaults(run=_sample, expected_errors=(ValueError, OSError), one_line_errors=True)


def _sample(args) -> int:
    from .generators import get

    generator = get(args.name)
    out = Path(args.out)
    if out.suffix != ".npz":
        raise ValueError(f"--out must name an .npz file, got {args.out!r}")
    if not out.parent.is_dir():
        raise ValueError(f"cannot write {out}: folder {out.parent} does not exist")
    images, labels = generator.sample(args.n, args.seed, label=args.label, guidance=args.guidance, steps=args.steps)
    arrays = {"images": images} if labels is None else {"images": images, "labels": labels}
    try:
        with open(out, "wb") as handle:
            np.savez(handle, **arrays)
    except OSError as err:
        raise OSError(f"cannot write {out}: {err.strerror or err}") from None
    print(f"wrote {out}: {len(images)} samples of {args.name}, shape {images.shape[1:]}, seed {args.seed}")
    return 0
